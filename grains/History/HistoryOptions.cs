using Orchestrator.History;

namespace Orchestrator.Runs.Engine;

/// <summary>How queue and loop histories are sampled and kept.</summary>
public sealed class HistoryOptions
{
    /// <summary>How often every queue and every running or paused loop is sampled (default 10 s).</summary>
    public TimeSpan SampleInterval { get; set; } = HistoryDefaults.SampleInterval;

    /// <summary>How long samples are kept (default 24 h).</summary>
    public TimeSpan Retention { get; set; } = HistoryDefaults.Retention;
}
