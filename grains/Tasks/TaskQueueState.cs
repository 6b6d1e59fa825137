namespace Orchestrator.Tasks;

/// <summary>Persisted state of a task queue: its pending and claimed tasks in order of readiness, and the last sequence
/// number given (task ids are never reused).</summary>
public sealed class TaskQueueState
{
    public long LastSequence { get; set; }

    /// <summary>True once the queue is in the <see cref="ITaskQueueDirectoryGrain"/>.</summary>
    public bool Listed { get; set; }

    public List<QueuedTask> Tasks { get; set; } = [];
}
