using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary>The run's engine callbacks (key: the run id), on the same grain as <see cref="IRunGrain"/>: node attempts,
/// sub-runs, loops and error records report to their run through it. It is internal to the grains, so the API, clients
/// and the grain client's interface never see it.</summary>
internal interface IRunEngineGrain : IGrainWithStringKey
{
    /// <summary>A node attempt finished (results that arrive together are applied in one turn and one write).</summary>
    Task NodeAttemptFinishedAsync(NodeAttemptResult result);

    /// <summary>A running attempt records its progress on its node; returns once it is written, true when it was stored
    /// (false: the attempt is no longer the node's current one, or the run ended).</summary>
    Task<bool> NodeProgressAsync(NodeAttemptProgress progress);
    /// <summary>Attempts finished elsewhere (worker tasks that a task queue reports together), applied in one turn and
    /// one write.</summary>
    Task NodeAttemptsFinishedAsync(IReadOnlyList<NodeAttemptResult> results);

    /// <summary>A worker reported progress on a task of this run with a heartbeat.</summary>
    Task TaskProgressedAsync(Tasks.WorkerTaskProgress progress);

    /// <summary>A sub-run that a node of this run waits for ended.</summary>
    Task SubRunFinishedAsync(string childRunId, RunSnapshot child);

    /// <summary>One of the run's loops ended.</summary>
    Task LoopEndedAsync(string loop, LoopStatus status, string? reason);

    /// <summary>An error record runs a failed node again (by hand or automatically); the run continues from there.</summary>
    Task<RunSnapshot> RetryNodeAsync(string node, string errorId);
}
