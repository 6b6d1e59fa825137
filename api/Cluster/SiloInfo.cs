namespace Orchestrator.Api.Cluster;

/// <summary>One silo in <c>GET /api/silos</c>.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Status"><c>starting</c>, <c>running</c>, <c>stopping</c> or <c>stopped</c>.</param>
/// <param name="Address">Where its HTTP API listens.</param>
/// <param name="StartedAt">When it started taking calls; absent before.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>.</param>
/// <param name="Storage">Its storage backend.</param>
/// <param name="Activations">Grain activations it holds now.</param>
public sealed record SiloInfo(
    string Name,
    string Status,
    string Address,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    string Storage,
    int Activations);
