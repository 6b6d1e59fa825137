using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>The outcome of one node attempt, reported back to its run.</summary>
[Immutable]
public sealed record NodeAttemptResult
{
    public required string Node { get; init; }

    public int Iteration { get; init; }

    public int Attempt { get; init; }

    /// <summary>For forEach nodes: the element's index; null otherwise.</summary>
    public int? ItemIndex { get; init; }

    public bool Succeeded { get; init; }

    public JsonNode? Output { get; init; }

    public string? Error { get; init; }

    /// <summary>True when the attempt ended because the run was cancelled or paused mid-way, not because it failed.</summary>
    public bool Cancelled { get; init; }

    /// <summary>The node started this sub-run and waits for its end.</summary>
    public string? AwaitingSubRun { get; init; }

    /// <summary>True when this reports the end of the sub-run the attempt started (not the attempt starting it).</summary>
    public bool SubRunFinished { get; init; }

    /// <summary>The node put this task on a worker task queue and waits for its end.</summary>
    public string? AwaitingTask { get; init; }

    /// <summary>True when this reports the end of the worker task the attempt queued (not the attempt queuing it).</summary>
    public bool TaskFinished { get; init; }

    /// <summary>Lines the node asked to log (the <c>log</c> node).</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];
}
