using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>A request to start a run of a workflow.</summary>
[Immutable]
public sealed record StartRun
{
    /// <summary>The workflow's name.</summary>
    public required string Workflow { get; init; }

    /// <summary>The version to run; the latest when null.</summary>
    public int? Version { get; init; }

    /// <summary>The run's input (also merged over the definition's default state when it is an object).</summary>
    public JsonNode? Input { get; init; }

    /// <summary>Starting again with the same key (for the same workflow) returns the same run.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Who or what started the run: <c>api</c>, <c>schedule:&lt;id&gt;</c>, <c>run:&lt;parent id&gt;</c>, or what a
    /// caller passes (<c>cli</c>, <c>client</c>, …). When null: <c>run:&lt;parent&gt;</c> for a sub-run, else
    /// <c>api</c>.</summary>
    public string? TriggeredBy { get; init; }

    /// <summary>Set when a <c>workflow</c> node starts this run as its sub-run.</summary>
    public ParentLink? Parent { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the span that starts the run (the HTTP request, a schedule's fire, the
    /// parent run's node attempt): the run's span becomes its child, in the same trace. A new trace when null or not
    /// a valid <c>traceparent</c>.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>The node of a parent run that awaits a sub-run, and for a forEach node the element it was started for
/// (null for a node without elements, and for sub-runs started before links named the element).</summary>
public sealed record ParentLink(string RunId, string Node, int Iteration, int Attempt, int? ItemIndex = null);
