using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>What flows into a node when it runs: the value (a loop's data, a forEach item, or the run's state) and
/// where it runs.</summary>
public sealed record NodeData
{
    /// <summary>The value flowing in: in a loop the producer's output or the previous node's output; in a run the
    /// forEach item, or else a copy of the run's state.</summary>
    public JsonNode? Value { get; init; }

    /// <summary>A copy of the run's shared state (empty in loops).</summary>
    public JsonObject State { get; init; } = [];

    /// <summary>The run (or loop) the node runs in.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Graph mode: the node's iteration; loops: the loop's iteration.</summary>
    public long Iteration { get; init; }

    /// <summary>1 on the first attempt.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary><c>runId/node/iteration/attempt</c>: pass it on to make side effects idempotent.</summary>
    public string IdempotencyKey { get; init; } = "";
}
