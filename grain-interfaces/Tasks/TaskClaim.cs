using System.Text.Json.Nodes;

namespace Orchestrator.Tasks;

/// <summary>A task handed to a worker: what to do and how to report it.</summary>
public sealed record TaskClaim
{
    /// <summary>Names this attempt; heartbeats, completion and failure use it.</summary>
    public required string TaskId { get; init; }

    public required string Queue { get; init; }

    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Node { get; init; }

    public int Iteration { get; init; } = 1;

    public int Attempt { get; init; } = 1;

    /// <summary>A forEach node's element index; null otherwise.</summary>
    public int? ItemIndex { get; init; }

    /// <summary><c>runId/node/iteration/attempt[/index]</c>, the same for this attempt wherever it runs.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The node's rendered <c>input</c> setting; for a forEach node an object with <c>input</c>, <c>item</c>
    /// and <c>itemIndex</c>.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>How long the claim lives without a heartbeat, in milliseconds.</summary>
    public long HeartbeatTimeoutMs { get; init; }

    /// <summary>When the task became ready (was queued).</summary>
    public DateTimeOffset ReadyAt { get; init; }

    public DateTimeOffset ClaimedAt { get; init; }
}
