namespace Orchestrator.History;

/// <summary>How queue and loop histories are kept: one sample per queue and per running or paused loop every
/// <see cref="SampleInterval"/>, for <see cref="Retention"/>, cluster-wide.</summary>
public static class HistoryDefaults
{
    /// <summary>How often every queue and loop is sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long samples are kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
}
