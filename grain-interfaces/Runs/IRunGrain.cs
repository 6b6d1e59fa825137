using System.Text.Json.Nodes;
using Orleans.Concurrency;

namespace Orchestrator.Runs;

/// <summary>One run of a workflow (key: the run id): its state machine, shared state, node states and event log.</summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Starts the run. Starting a run that already exists returns it as it is (idempotent).</summary>
    Task<RunSnapshot> StartAsync(StartRun command);

    /// <summary>The run now.</summary>
    [ReadOnly]
    Task<RunSnapshot> GetAsync();

    /// <summary>Events with <c>seq &gt; afterSeq</c>, oldest first, at most <paramref name="maxCount"/>.</summary>
    [ReadOnly]
    Task<IReadOnlyList<RunEvent>> GetEventsAsync(long afterSeq, int maxCount);

    /// <summary>Cancels the run: running nodes are stopped (processes killed, requests aborted), sub-runs cancelled.</summary>
    Task<RunSnapshot> CancelAsync(string reason);

    /// <summary>Pauses the run: nothing new starts and pending retries wait; running nodes finish.</summary>
    Task<RunSnapshot> PauseAsync();

    /// <summary>Resumes a paused run.</summary>
    Task<RunSnapshot> ResumeAsync();

    /// <summary>Merges <paramref name="data"/> into the state under <paramref name="name"/> (or at the top level when
    /// <paramref name="name"/> is empty and the data is an object).</summary>
    Task<RunSnapshot> SignalAsync(string name, JsonNode? data);

    /// <summary>Runs a failed node again (a manual or automatic error-record retry); the run continues from there.</summary>
    Task<RunSnapshot> RetryNodeAsync(string node, string errorId);

    /// <summary>Called by the engine when a node attempt finished; not for users.</summary>
    Task NodeAttemptFinishedAsync(NodeAttemptResult result);

    /// <summary>Called by one of the run's loops when it ended; not for users.</summary>
    Task LoopEndedAsync(string loop, Loops.LoopStatus status, string? reason);

    /// <summary>Called by a sub-run when it finished; not for users.</summary>
    Task SubRunFinishedAsync(string childRunId, RunSnapshot child);
}
