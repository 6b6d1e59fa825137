using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>What a successful attempt produced.</summary>
public sealed record NodeOutcome
{
    /// <summary>A completed attempt with no output.</summary>
    public static NodeOutcome Empty { get; } = new();

    /// <summary>The node's output; an object output is merged into the run's state unless the node says <c>merge: false</c>.</summary>
    public JsonNode? Output { get; init; }

    /// <summary>Set by the <c>workflow</c> executor: the sub-run it started, whose end completes the node.</summary>
    public string? SubRunId { get; init; }

    /// <summary>Set by the <c>worker</c> executor: the task it put on a task queue, whose end completes the node.</summary>
    public string? TaskId { get; init; }

    /// <summary>Lines the node wants in the run's event log (the <c>log</c> node's message).</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    public static NodeOutcome Of(JsonNode? output) => new() { Output = output };
}
