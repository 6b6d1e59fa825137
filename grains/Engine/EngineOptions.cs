namespace Orchestrator.Runs.Engine;

/// <summary>Settings of the workflow engine.</summary>
public sealed class EngineOptions
{
    /// <summary>Node attempts one run executes at once (forEach elements included); the rest wait as <c>ready</c>.</summary>
    public int MaxParallelAttempts { get; set; } = 256;

    /// <summary>A <c>delay</c> at least this long (and without a node <c>timeout</c>) waits on a durable reminder instead of
    /// a timer in the run's activation: it ends at its due time even across restarts, and the run, holding nothing in
    /// flight, is collected while it waits. Shorter delays keep their timer (no reminder write).</summary>
    public TimeSpan DurableDelayFrom { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Graph mode: how many times one node may start when neither the definition (<c>maxIterations</c>) nor the
    /// state (<c>max_iterations</c>) says.</summary>
    public int DefaultMaxIterations { get; set; } = 25;

    /// <summary>How error records recover on their own, per severity of the failed node.</summary>
    public RecoveryOptions Recovery { get; set; } = new();

    /// <summary>Loops trace one iteration in this many (0: none), so that a loop running thousands of iterations a
    /// second does not flood the trace collector.</summary>
    public int TraceLoopEvery { get; set; } = 100;

    /// <summary>How queue and loop histories are sampled and kept.</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary>Called with an error record when it is escalated, if set.</summary>
    public string? EscalationWebhook { get; set; }
}
