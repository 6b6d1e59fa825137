using Orchestrator.Providers.Diagnostics;

namespace Orchestrator.Api.Cluster;

/// <summary>Answer of <c>GET /api/grains</c>: totals, then one entry per grain type.</summary>
public sealed record GrainStatisticsReport(int Activations, long Calls, long FailedCalls, IReadOnlyList<GrainTypeStatistics> Items);
