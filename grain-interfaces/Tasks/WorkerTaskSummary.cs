using System.Text.Json.Nodes;

namespace Orchestrator.Tasks;

/// <summary>One task of a queue as listed.</summary>
public sealed record WorkerTaskSummary
{
    public required string TaskId { get; init; }

    public required string RunId { get; init; }

    public required string Node { get; init; }

    public int Attempt { get; init; }

    public int? ItemIndex { get; init; }

    public WorkerTaskStatus Status { get; init; }

    public DateTimeOffset ReadyAt { get; init; }

    public string? Worker { get; init; }

    public DateTimeOffset? ClaimedAt { get; init; }

    public DateTimeOffset? LastHeartbeatAt { get; init; }

    /// <summary>What the worker last reported with a heartbeat.</summary>
    public JsonNode? Details { get; init; }

    public bool CancelRequested { get; init; }
}
