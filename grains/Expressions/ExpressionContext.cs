using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Expressions;

/// <summary>
/// The names an expression can read. Evaluation only reads these values; it never changes them, and values it
/// returns are never the caller's own nodes (they are copied when needed).
/// </summary>
public sealed record ExpressionContext
{
    /// <summary>A context with nothing in it.</summary>
    public static ExpressionContext Empty { get; } = new();

    /// <summary><c>state</c>: the run's shared state object.</summary>
    public JsonNode? State { get; init; }

    /// <summary><c>input</c>: the run's input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary><c>nodes</c>: an object keyed by node name, each <c>{output, …}</c>, so <c>nodes.x.output</c> reads a node's output.</summary>
    public JsonNode? Nodes { get; init; }

    /// <summary><c>iteration</c>: the node's iteration in graph mode, or the loop's iteration number in a loop.</summary>
    public long? Iteration { get; init; }

    /// <summary><c>data</c>: in a loop, the value flowing into the node.</summary>
    public JsonNode? Data { get; init; }

    /// <summary><c>item</c>: the element a <c>forEach</c> node is running for.</summary>
    public JsonNode? Item { get; init; }

    /// <summary><c>attempt</c>: the 1-based attempt number of the running node.</summary>
    public int? Attempt { get; init; }

    /// <summary>The clock <c>now()</c> reads.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The step budget of one evaluation (one template counts as one evaluation).</summary>
    public int MaxSteps { get; init; } = DefinitionLimits.MaxExpressionSteps;
}
