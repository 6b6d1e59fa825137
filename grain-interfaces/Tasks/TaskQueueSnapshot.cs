namespace Orchestrator.Tasks;

/// <summary>A task queue now: counts, its tasks in order of readiness, and the workers seen lately.</summary>
public sealed record TaskQueueSnapshot
{
    public required string Queue { get; init; }

    public int Pending { get; init; }

    public int Claimed { get; init; }

    public IReadOnlyList<WorkerTaskSummary> Tasks { get; init; } = [];

    public IReadOnlyList<WorkerSummary> Workers { get; init; } = [];
}
