namespace Orchestrator.Cluster;

/// <summary>One silo in <c>GET /api/silos</c>.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Status"><c>starting</c>, <c>running</c>, <c>stopping</c>, <c>stopped</c> or <c>dead</c> (declared dead by
/// the cluster).</param>
/// <param name="Address">Where its HTTP API listens; absent when it cannot be asked (a dead silo).</param>
/// <param name="SiloAddress">Its Orleans endpoint (<c>ip:port@generation</c>).</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastHeartbeatAt">When it last told the cluster it was alive.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>, while it runs.</param>
/// <param name="Storage">Its storage backend.</param>
/// <param name="Activations">Grain activations it holds now.</param>
public sealed record SiloInfo(
    string Name,
    string Status,
    string? Address,
    string? SiloAddress,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastHeartbeatAt,
    double? UptimeSeconds,
    string? Storage,
    int? Activations);
