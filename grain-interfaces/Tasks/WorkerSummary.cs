namespace Orchestrator.Tasks;

/// <summary>A worker process as a queue knows it: when it last claimed or sent a heartbeat, and the tasks in its hands.</summary>
public sealed record WorkerSummary
{
    public required string Worker { get; init; }

    public IReadOnlyList<string> Queues { get; init; } = [];

    public DateTimeOffset LastSeenAt { get; init; }

    public DateTimeOffset? LastHeartbeatAt { get; init; }

    public IReadOnlyList<string> Tasks { get; init; } = [];
}
