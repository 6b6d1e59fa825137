namespace Orchestrator.Runs;

/// <summary>The types of run events.</summary>
public static class RunEventTypes
{
    public const string RunCreated = "run.created";
    public const string RunStarted = "run.started";
    public const string RunPaused = "run.paused";
    public const string RunResumed = "run.resumed";
    public const string RunCompleted = "run.completed";
    public const string RunFailed = "run.failed";
    public const string RunCancelled = "run.cancelled";
    public const string RunSignalled = "run.signalled";
    public const string RunRecovered = "run.recovered";
    public const string NodeStarted = "node.started";
    public const string NodeCompleted = "node.completed";
    public const string NodeFailed = "node.failed";
    public const string NodeRetryScheduled = "node.retry_scheduled";
    public const string NodeSkipped = "node.skipped";
    public const string NodeCancelled = "node.cancelled";

    /// <summary>A running attempt recorded how far it got (<see cref="NodeAttemptProgress"/>).</summary>
    public const string NodeProgress = "node.progress";
    public const string Transition = "transition";
    public const string System = "system";
    public const string Log = "log";
    public const string ErrorRecorded = "error.recorded";
    public const string LoopStarted = "loop.started";
    public const string LoopEnded = "loop.ended";

    /// <summary>Memory-stream namespace on which each run publishes its events (stream key: the run id).</summary>
    public const string StreamNamespace = "run-events";

    /// <summary>Memory-stream key on which every run's events are also published (for dashboards and <c>WS /ws</c>).</summary>
    public const string AllRunsStreamKey = "*";

    /// <summary>True for the events that end a run.</summary>
    public static bool IsTerminal(string type) => type is RunCompleted or RunFailed or RunCancelled;
}
