using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Diagnostics;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Runs;

/// <summary>A run's spans: its own, emitted once the run's end is written (with its stored ids and its real start
/// time, wherever and however often the run was activated meanwhile), and its failed attempts', which stay open until
/// the run has applied their outcome so that a retry's delay is on them (a succeeded or cancelled attempt's span ends
/// with the attempt).</summary>
internal sealed class RunSpans
{
    private readonly ConcurrentDictionary<AttemptKey, Activity> _attempts = new();

    /// <summary>Keeps an attempt's span until its outcome is applied.</summary>
    public void Hold(AttemptKey key, Activity? span)
    {
        if (span is not null)
        {
            _attempts[key] = span;
        }
    }

    /// <summary>Ends the spans of <paramref name="results"/>, adding the retry delay that <paramref name="events"/> (the
    /// turn that applied them; null when it changed nothing) scheduled for each.</summary>
    public void EndAttempts(IReadOnlyList<NodeAttemptResult> results, IReadOnlyList<RunEvent>? events)
    {
        if (_attempts.IsEmpty)
        {
            return;
        }

        // Few turns schedule retries; a batch of a thousand results is not matched against its thousands of events.
        List<RunEvent>? retries = null;
        foreach (var e in events ?? [])
        {
            if (e.Type == RunEventTypes.NodeRetryScheduled)
            {
                (retries ??= []).Add(e);
            }
        }

        foreach (var result in results)
        {
            if (!_attempts.TryRemove(new AttemptKey(result.Node, result.Iteration, result.Attempt, result.ItemIndex), out var span))
            {
                continue;
            }

            if (retries?.Find(e => IsRetryOf(e, result)) is { } retry && retry.Data?["delayMs"] is { } delay)
            {
                span.SetTag(TraceTags.RetryDelay, (long)delay);
            }

            StoredSpan.Stop(span);
        }
    }

    /// <summary>Ends every span still held (the activation goes away; its attempts are abandoned).</summary>
    public void EndAll()
    {
        foreach (var key in _attempts.Keys)
        {
            if (_attempts.TryRemove(key, out var span))
            {
                StoredSpan.Stop(span);
            }
        }
    }

    /// <summary>Emits the span of <paramref name="run"/>, which has just ended, calling <paramref name="measure"/> with the
    /// span current (the run-duration histogram's exemplar); <paramref name="measure"/> is called without a span when
    /// none is recorded.</summary>
    public static void EmitRun(RunState run, Func<string> silo, Action measure)
    {
        if (run.Trace is not { } trace || run.FinishedAt is not { } finished || !OrchestratorTracing.Source.HasListeners())
        {
            measure();
            return;
        }

        var span = StoredSpan.Start(
            OrchestratorTracing.Source,
            $"run {run.Workflow}",
            ActivityKind.Internal,
            ActivityTraceId.CreateFromString(trace.TraceId),
            ActivitySpanId.CreateFromString(trace.SpanId),
            trace.ParentSpanId is { } parent ? ActivitySpanId.CreateFromString(parent) : null,
            trace.Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
            trace.TraceState,
            run.StartedAt ?? run.CreatedAt);
        if (span is null)
        {
            measure();
            return;
        }

        span.SetTag(TraceTags.RunId, run.RunId);
        span.SetTag(TraceTags.Workflow, run.Workflow);
        span.SetTag(TraceTags.WorkflowVersion, run.Version);
        span.SetTag(TraceTags.RunStatus, RunState.StatusName(run.Status));
        span.SetTag(TraceTags.TriggeredBy, run.TriggeredBy);
        span.SetTag(TraceTags.Silo, silo());
        if (run.Status == RunStatus.Failed)
        {
            span.SetStatus(ActivityStatusCode.Error, run.Error);
        }

        StoredSpan.Within(span, measure);
        span.SetEndTime(finished.UtcDateTime);
        StoredSpan.Stop(span);
    }

    private static bool IsRetryOf(RunEvent e, NodeAttemptResult result) =>
        e.Node == result.Node && e.Iteration == result.Iteration && e.Attempt == result.Attempt
        && (int?)e.Data?["itemIndex"] == result.ItemIndex;
}
