namespace Orchestrator.Api.Health;

/// <summary>The silo part of the health report.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Status"><c>starting</c>, <c>running</c>, <c>stopping</c> or <c>stopped</c>.</param>
/// <param name="StartedAt">When the silo started taking calls (UTC); absent before.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>.</param>
internal sealed record SiloHealth(string Name, string Status, DateTime? StartedAt, double? UptimeSeconds);
