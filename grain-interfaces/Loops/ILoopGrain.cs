using Orleans.Concurrency;

namespace Orchestrator.Loops;

/// <summary>One continuous loop of a run (key: <c>{runId}:{loop}</c>, see <see cref="LoopIds"/>). Its producer starts
/// iterations; each iteration runs the chain, waiting for blocking nodes and handing non-blocking ones off. A loop that
/// was running when its silo stopped runs again when the silo starts. Every method but <see cref="StartAsync"/> throws
/// <see cref="LoopNotFoundException"/> for a loop that was never started.</summary>
public interface ILoopGrain : IGrainWithStringKey
{
    /// <summary>Creates and starts the loop; starting a loop that exists returns it as it is (idempotent).</summary>
    Task<LoopSnapshot> StartAsync(StartLoop command);

    /// <summary>The loop now, with live counters.</summary>
    [ReadOnly]
    Task<LoopSnapshot> GetAsync();

    /// <summary>Pauses the loop: no new iteration starts; the iteration under way finishes. Pausing a paused loop is a no-op.</summary>
    /// <exception cref="LoopConflictException">The loop ended.</exception>
    Task<LoopSnapshot> PauseAsync(string? reason);

    /// <summary>Resumes a paused loop. Resuming a running loop is a no-op.</summary>
    /// <exception cref="LoopConflictException">The loop ended.</exception>
    Task<LoopSnapshot> ResumeAsync();

    /// <summary>Stops the loop for good: no new iteration starts, the one under way is cancelled, its queue
    /// subscription is removed and its worker process stopped. Stopping an ended loop is a no-op.</summary>
    Task<LoopSnapshot> StopAsync(string? reason);

    /// <summary>Lines of the loop's log, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<LoopLogEntry>> GetLogsAsync(LoopLogQuery query);
}
