using System.Text.Json.Nodes;

namespace Orchestrator.Tasks;

/// <summary>Persisted state of one task on a queue, pending or claimed.</summary>
public sealed class QueuedTask
{
    public string TaskId { get; set; } = "";

    public long Sequence { get; set; }

    public NewWorkerTask Work { get; set; } = null!;

    public DateTimeOffset ReadyAt { get; set; }

    public WorkerTaskStatus Status { get; set; }

    public string? Worker { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public DateTimeOffset? LastHeartbeatAt { get; set; }

    public JsonNode? Details { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>When a claimed task is lost: its heartbeat timeout after the claim or the last heartbeat, or its
    /// <c>timeout</c> after the claim, whichever comes first; null while pending.</summary>
    public DateTimeOffset? Deadline()
    {
        if (Status != WorkerTaskStatus.Claimed || ClaimedAt is not { } claimed)
        {
            return null;
        }

        var silentUntil = (LastHeartbeatAt ?? claimed) + Work.HeartbeatTimeout;
        return Work.Timeout is { } timeout && claimed + timeout < silentUntil ? claimed + timeout : silentUntil;
    }

    /// <summary>Why a claim past its <see cref="Deadline"/> is failed.</summary>
    public string LostReason()
    {
        var claimed = ClaimedAt!.Value;
        var silentUntil = (LastHeartbeatAt ?? claimed) + Work.HeartbeatTimeout;
        return Work.Timeout is { } timeout && claimed + timeout < silentUntil
            ? $"timed out after {Definitions.Duration.Format(timeout)} (claimed by worker '{Worker}')"
            : $"worker lost: no heartbeat from worker '{Worker}' for {Definitions.Duration.Format(Work.HeartbeatTimeout)}";
    }

    public WorkerTaskSummary ToSummary() => new()
    {
        TaskId = TaskId,
        RunId = Work.RunId,
        Node = Work.Node,
        Attempt = Work.Attempt,
        ItemIndex = Work.ItemIndex,
        Status = Status,
        ReadyAt = ReadyAt,
        Worker = Worker,
        ClaimedAt = ClaimedAt,
        LastHeartbeatAt = LastHeartbeatAt,
        Details = Details?.DeepClone(),
        CancelRequested = CancelRequested,
    };
}
