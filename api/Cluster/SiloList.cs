using Orchestrator.Cluster;

namespace Orchestrator.Api.Cluster;

/// <summary>Answer of <c>GET /api/silos</c>.</summary>
public sealed record SiloList(IReadOnlyList<SiloInfo> Items);
