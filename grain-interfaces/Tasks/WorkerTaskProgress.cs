using System.Text.Json.Nodes;

namespace Orchestrator.Tasks;

/// <summary>What a worker last reported about the task of a node (or of one of its forEach elements) with a heartbeat.</summary>
public sealed record WorkerTaskProgress
{
    public required string TaskId { get; init; }

    public required string Node { get; init; }

    public int Iteration { get; init; } = 1;

    public int Attempt { get; init; } = 1;

    public int? ItemIndex { get; init; }

    public required string Worker { get; init; }

    public DateTimeOffset At { get; init; }

    public JsonNode? Details { get; init; }
}
