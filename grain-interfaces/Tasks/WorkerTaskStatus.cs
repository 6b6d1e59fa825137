namespace Orchestrator.Tasks;

/// <summary>Where a task stands on its queue. Ended tasks leave the queue.</summary>
public enum WorkerTaskStatus
{
    /// <summary>Ready, waiting for a worker.</summary>
    Pending,

    /// <summary>In a worker's hands.</summary>
    Claimed,
}
