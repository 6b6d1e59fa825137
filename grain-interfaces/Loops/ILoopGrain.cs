using System.Text.Json.Nodes;
using Orleans.Concurrency;

namespace Orchestrator.Loops;

/// <summary>One continuous loop of a run (key: <c>{runId}:{loop}</c>, see <see cref="LoopIds"/>). Its producer starts
/// iterations; each iteration runs the chain, waiting for blocking nodes and handing non-blocking ones off. A loop that
/// was running when its silo stopped runs again when the silo starts.</summary>
public interface ILoopGrain : IGrainWithStringKey
{
    /// <summary>Creates and starts the loop; starting a loop that exists returns it as it is (idempotent).</summary>
    Task<LoopSnapshot> StartAsync(StartLoop command);

    /// <summary>The loop now, with live counters.</summary>
    [ReadOnly]
    Task<LoopSnapshot> GetAsync();

    /// <summary>Pauses the loop: no new iteration starts; the iteration under way finishes. Pausing a paused loop is a no-op.</summary>
    Task<LoopSnapshot> PauseAsync(string? reason);

    /// <summary>Resumes a paused loop. Resuming a running loop is a no-op.</summary>
    Task<LoopSnapshot> ResumeAsync();

    /// <summary>Stops the loop for good: no new iteration starts, the one under way is cancelled, its queue
    /// subscription is removed and its worker process stopped. Stopping an ended loop is a no-op.</summary>
    Task<LoopSnapshot> StopAsync(string? reason);

    /// <summary>Lines of the loop's log, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<LoopLogEntry>> GetLogsAsync(LoopLogQuery query);

    /// <summary>Runs <paramref name="node"/> again with the data it failed on, then the rest of the chain (an error
    /// record's retry). Completes when the blocking part is done; the record is told the outcome.</summary>
    Task RetryNodeAsync(string node, long iteration, JsonNode? input, string errorId);

    /// <summary>Called by the loop's runner: reserves iteration numbers up to <paramref name="upTo"/> durably (numbers
    /// are never handed out beyond the reservation, so none repeats after a crash); returns the reserved limit. Not for users.</summary>
    Task<long> ReserveIterationsAsync(long upTo);

    /// <summary>Called by the loop's own runner, not by users: writes the loop's counters and queue position, and with
    /// a <paramref name="transition"/> pauses the loop (<see cref="LoopStatus.Paused"/>) or ends it
    /// (<see cref="LoopStatus.Stopped"/>, <see cref="LoopStatus.Error"/>) for <paramref name="reason"/>.</summary>
    Task CheckpointAsync(LoopStatus? transition, string? reason);
}
