namespace Orchestrator.Tasks;

/// <summary>Persisted state of the task queue directory.</summary>
public sealed class TaskQueueDirectoryState
{
    public SortedSet<string> Queues { get; set; } = new(StringComparer.Ordinal);
}
