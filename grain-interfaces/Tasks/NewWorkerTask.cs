using System.Text.Json.Nodes;

namespace Orchestrator.Tasks;

/// <summary>What the engine puts on a task queue for one attempt of a <c>worker</c> node.</summary>
public sealed record NewWorkerTask
{
    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Node { get; init; }

    public int Iteration { get; init; } = 1;

    public int Attempt { get; init; } = 1;

    public int? ItemIndex { get; init; }

    public required string IdempotencyKey { get; init; }

    public JsonNode? Input { get; init; }

    public TimeSpan HeartbeatTimeout { get; init; }

    /// <summary>The node's <c>timeout</c>, counted from the claim; null for none.</summary>
    public TimeSpan? Timeout { get; init; }
}
