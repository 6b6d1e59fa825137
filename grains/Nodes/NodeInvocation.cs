using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;

namespace Orchestrator.Nodes;

/// <summary>One attempt of one node, as handed to its executor.</summary>
public sealed record NodeInvocation
{
    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Node { get; init; }

    public required NodeDefinition Definition { get; init; }

    /// <summary>The node's type-specific settings with every <c>${…}</c> template rendered (except <c>set.values</c>,
    /// which are expressions and stay as written).</summary>
    public required JsonObject Config { get; init; }

    /// <summary>What the node's expressions read: state, input, nodes, iteration, item, attempt. Executors that evaluate
    /// expressions themselves (<c>set</c>) use it with <see cref="Expressions"/>.</summary>
    public required ExpressionContext Context { get; init; }

    /// <summary>The parsed expressions of the definition version.</summary>
    public required ExpressionCache Expressions { get; init; }

    /// <summary>Graph mode: the node's iteration (1 on its first run); DAG mode: 1.</summary>
    public int Iteration { get; init; } = 1;

    /// <summary>1 on the first attempt.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>For a forEach node: the element's index; null otherwise.</summary>
    public int? ItemIndex { get; init; }

    /// <summary>In a loop: the loop's id (<c>{runId}:{loop}</c>); null in a run.</summary>
    public string? LoopId { get; init; }

    /// <summary>In a loop: names the iteration the same way across restarts (<c>{epoch}.{iteration}</c>, or
    /// <c>q{sequence}</c> for an iteration started by a queue message); null in a run.</summary>
    public string? IterationToken { get; init; }

    /// <summary><c>runId/node/iteration/attempt</c> (plus <c>/index</c> for forEach elements); executors pass it on
    /// (<c>Idempotency-Key</c> header, <c>ORCHESTRATOR_IDEMPOTENCY_KEY</c> environment variable).</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the span this attempt belongs under (its run's, or its loop iteration's);
    /// null when there is none. Executors pass the attempt's own span on when there is one (see
    /// <see cref="Diagnostics.OrchestratorTracing.CurrentTraceParent"/>), else this.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The trace id of <see cref="TraceParent"/> (32 hex digits), or null.</summary>
    public string? TraceId => TraceParent is { Length: >= 35 } traceParent ? traceParent.Substring(3, 32) : null;

    /// <summary>When the engine decided to start this attempt (for the dispatch latency); null when unknown.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>What the latest attempt of this node (or forEach element) in this iteration recorded through
    /// <see cref="RecordProgressAsync"/> — an earlier attempt's, or this one's before a silo restart (see
    /// <see cref="Resumed"/>); null when none recorded any.</summary>
    public JsonObject? Progress { get; init; }

    /// <summary>True when this attempt was running when its run's silo stopped, after recording waiting progress, and is
    /// resumed from <see cref="Progress"/> with the same attempt number and idempotency key.</summary>
    public bool Resumed { get; init; }

    /// <summary>Stores progress on the node (see <see cref="RecordProgressAsync"/>); null where nothing stores it.</summary>
    public Func<JsonObject, bool, Task<bool>>? ProgressRecorder { get; init; }

    /// <summary>Cancelled when the attempt is abandoned rather than cancelled: its run's activation stops (the silo shuts
    /// down) and the run will resume or retry the attempt when it is activated again. It is cancelled before the
    /// attempt's own token, so an executor whose work outlives the attempt (a submitted job) can tell that it must leave
    /// that work running.</summary>
    public CancellationToken Abandoned { get; init; }

    /// <summary>Records how far the attempt got on its node, in the run's state (written before this completes), in
    /// <c>GET /api/runs/{id}</c> and as a <c>node.progress</c> event; the node's next attempt receives it as
    /// <see cref="Progress"/>. With <paramref name="waiting"/> the attempt from now on only waits on work done
    /// elsewhere: it holds no parallel-attempt slot, and after a silo restart it is resumed, not retried. Returns false
    /// when nothing was stored: no run records progress here, or the attempt is no longer the node's current one.</summary>
    public Task<bool> RecordProgressAsync(JsonObject data, bool waiting = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        return ProgressRecorder is { } recorder ? recorder(data, waiting) : Task.FromResult(false);
    }

    /// <summary>The <c>traceparent</c> to hand on to what the attempt calls: the current span's (the attempt's own, when
    /// traces are recorded), else <see cref="TraceParent"/>.</summary>
    public string? OutgoingTraceParent => Diagnostics.OrchestratorTracing.CurrentTraceParent() ?? TraceParent;

    /// <summary>Names what this node does in this iteration, the same on every attempt and after a restart:
    /// <c>{loopId}/{node}/{iterationToken}</c> in a loop, <c>{runId}/{node}/{iteration}[/{index}]</c> in a run.</summary>
    public string StableKey => LoopId is { } loop
        ? $"{loop}/{Node}/{IterationToken}"
        : ItemIndex is { } index ? $"{RunId}/{Node}/{Iteration}/{index}" : $"{RunId}/{Node}/{Iteration}";
}
