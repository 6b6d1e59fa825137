using System.Diagnostics;
using Orchestrator.Diagnostics;

namespace Orchestrator.Runs.Engine;

/// <summary>A run's place in a trace, stored with the run: the ids of its own span (chosen when the run starts, emitted
/// when it ends, see <see cref="StoredSpan"/>) and of the span that started it. Node attempts are children of the run's
/// span; what they call (HTTP requests, processes, sub-runs) carries the trace on.</summary>
public sealed class RunTrace
{
    /// <summary>32 hex digits.</summary>
    public string TraceId { get; set; } = "";

    /// <summary>The run span's id, 16 hex digits.</summary>
    public string SpanId { get; set; } = "";

    /// <summary>The span that started the run (a request, a schedule's fire, a parent run's attempt); null for a root.</summary>
    public string? ParentSpanId { get; set; }

    /// <summary>The W3C sampled flag, inherited from the parent (a root is sampled).</summary>
    public bool Sampled { get; set; }

    public string? TraceState { get; set; }

    /// <summary>A new place under <paramref name="parentTraceParent"/> (a W3C <c>traceparent</c>), or at the root of a new
    /// trace when there is no valid parent.</summary>
    public static RunTrace Begin(string? parentTraceParent)
    {
        var parent = OrchestratorTracing.ParseTraceParent(parentTraceParent);
        var hasParent = parent.TraceId != default && parent.SpanId != default;
        return new RunTrace
        {
            TraceId = (hasParent ? parent.TraceId : ActivityTraceId.CreateRandom()).ToHexString(),
            SpanId = ActivitySpanId.CreateRandom().ToHexString(),
            ParentSpanId = hasParent ? parent.SpanId.ToHexString() : null,
            Sampled = !hasParent || parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded),
            TraceState = hasParent ? parent.TraceState : null,
        };
    }

    private string? _traceParent;

    /// <summary>The run span's W3C <c>traceparent</c>.</summary>
    public string ToTraceParent() => _traceParent ??= $"00-{TraceId}-{SpanId}-{(Sampled ? "01" : "00")}";
}
