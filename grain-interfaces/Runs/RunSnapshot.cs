using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>A run as seen from outside (the <c>GET /api/runs/{id}</c> shape).</summary>
[Immutable]
public sealed record RunSnapshot
{
    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public int Version { get; init; }

    public RunStatus Status { get; init; }

    /// <summary>The shared state object: defaults, then input, then merged node outputs and signals.</summary>
    public JsonObject State { get; init; } = [];

    public JsonNode? Input { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Graph mode: the node running or last run; <c>END</c> once the run finished through an edge to END.</summary>
    public string? CurrentNode { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Who or what started the run (<see cref="StartRun.TriggeredBy"/>).</summary>
    public string? TriggeredBy { get; init; }

    public ParentLink? Parent { get; init; }

    /// <summary>The W3C trace id of the run's trace (32 hex digits): its span, its node attempts' spans and what they
    /// call. Null for a run stored before runs kept a trace.</summary>
    public string? TraceId { get; init; }

    public IReadOnlyDictionary<string, NodeSnapshot> Nodes { get; init; } = new Dictionary<string, NodeSnapshot>();

    /// <summary>The run's loops by name, each in the state last reported to the run (see <c>GET /api/loops?runId=</c>
    /// for their counters). A run with loops ends when all of them have ended.</summary>
    public IReadOnlyDictionary<string, Loops.LoopStatus> Loops { get; init; } = new Dictionary<string, Loops.LoopStatus>();
}
