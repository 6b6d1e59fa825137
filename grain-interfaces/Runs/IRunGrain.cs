using System.Text.Json.Nodes;
using Orleans.Concurrency;

namespace Orchestrator.Runs;

/// <summary>One run of a workflow (key: the run id): its state machine, shared state, node states and event log. What the
/// engine itself tells a run (attempts finished, sub-runs and loops ended, error-record retries) goes through an internal
/// interface of the grains, not this one.</summary>
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
}
