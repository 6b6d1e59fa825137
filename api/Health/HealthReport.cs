using System.Text.Json.Serialization;

namespace Orchestrator.Api.Health;

/// <summary>The body of <c>GET /api/health</c>.</summary>
/// <param name="Status"><c>healthy</c>; <c>degraded</c> while the storage does not answer or refuses writes (it mends
/// itself when the storage is back); <c>unhealthy</c> when a start-up step failed; <c>starting</c>, <c>stopping</c> or
/// <c>stopped</c>.</param>
/// <param name="Reason">Why the silo is not healthy; absent when it is.</param>
/// <param name="Silo">The silo's name, life-cycle status and uptime.</param>
/// <param name="Storage">The storage backend and whether it answered.</param>
/// <param name="Components">Each start-up step of the silo and its state.</param>
internal sealed record HealthReport(
    string Status,
    string? Reason,
    SiloHealth Silo,
    StorageHealth Storage,
    IReadOnlyDictionary<string, string> Components)
{
    public const string Healthy = "healthy";

    public const string Degraded = "degraded";

    [JsonIgnore]
    public bool IsHealthy => Status == Healthy;
}
