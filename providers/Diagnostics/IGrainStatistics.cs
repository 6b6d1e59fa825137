namespace Orchestrator.Providers.Diagnostics;

/// <summary>This silo's activations and grain calls by grain type, read-only (for dashboards and <c>GET /api/grains</c>).</summary>
public interface IGrainStatistics
{
    /// <summary>One entry per grain type that has activations now or has had calls since the silo started, by type name.</summary>
    IReadOnlyList<GrainTypeStatistics> GetByGrainType();
}
