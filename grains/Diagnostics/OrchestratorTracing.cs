using System.Diagnostics;

namespace Orchestrator.Diagnostics;

/// <summary>The orchestrator's traces: one <see cref="ActivitySource"/>, <see cref="SourceName"/>, whose spans cover runs,
/// node attempts, loop iterations (sampled), schedule fires, error-record actions and queue traffic. With no listener
/// (no exporter configured) starting a span costs a check and returns null.</summary>
public static class OrchestratorTracing
{
    /// <summary>The name to subscribe to (<c>AddSource("Orchestrator")</c>).</summary>
    public const string SourceName = "Orchestrator";

    /// <summary>The environment variable that carries the W3C trace context into a <c>shell</c> node's process (the
    /// name OpenTelemetry's environment-carrier convention uses).</summary>
    public const string TraceParentVariable = "TRACEPARENT";

    /// <summary>The W3C trace-context header on <c>http</c> node requests.</summary>
    public const string TraceParentHeader = "traceparent";

    public static ActivitySource Source { get; } = new(SourceName, typeof(OrchestratorTracing).Assembly.GetName().Version?.ToString());

    /// <summary>The <c>traceparent</c> of the current span, or null when there is none (or it is not a W3C span).</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The span context a <c>traceparent</c> names, or default when it is null or malformed.</summary>
    public static ActivityContext ParseTraceParent(string? traceParent, string? traceState = null) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
}
