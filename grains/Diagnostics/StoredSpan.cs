using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Orchestrator.Diagnostics;

/// <summary>Emits a span whose ids were chosen earlier and stored: a run's span is written when the run ends, perhaps on
/// another silo or after a restart, while its node attempts, which ran meanwhile, already name it as their parent.
/// .NET has no public way to give an <see cref="Activity"/> a known span id, so the id is set on the created activity,
/// which is then not started: <see cref="Activity.Start"/> makes a span id of its own and refuses (throwing and catching
/// an exception inside, at a cost) an activity that has one. Stopping it reports it to the listeners, who export it,
/// all the same; the tests check that the exported ids and times are the stored ones.</summary>
internal static class StoredSpan
{
    /// <summary>Makes (without making it current) the span <paramref name="spanId"/> of trace
    /// <paramref name="traceId"/>, child of <paramref name="parentSpanId"/> (a root when null), begun at
    /// <paramref name="startedAt"/>; null when nobody listens or the sampler drops it. The caller sets tags and its end
    /// time and stops it.</summary>
    public static Activity? Start(
        ActivitySource source, string name, ActivityKind kind, ActivityTraceId traceId, ActivitySpanId spanId,
        ActivitySpanId? parentSpanId, ActivityTraceFlags flags, string? traceState, DateTimeOffset startedAt)
    {
        if (!source.HasListeners())
        {
            return null;
        }

        // A parent context with the trace id and no span id makes a root span of that trace.
        var parent = new ActivityContext(traceId, parentSpanId ?? default, flags, traceState, isRemote: true);
        var activity = source.CreateActivity(name, kind, parent);
        if (activity is null)
        {
            return null;
        }

        SpanIdField(activity) = spanId.ToHexString();
        activity.SetStartTime(startedAt.UtcDateTime);
        return activity;
    }

    /// <summary>Stops <paramref name="span"/> without touching the current span (stopping makes the span's predecessor
    /// current, even when another span is current by then).</summary>
    public static void Stop(Activity span)
    {
        var current = Activity.Current;
        span.Stop();
        if (!ReferenceEquals(current, span))
        {
            Activity.Current = current;
        }
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="span"/> current (so that measurements it records
    /// carry the span as their exemplar).</summary>
    public static void Within(Activity span, Action action)
    {
        var current = Activity.Current;
        Activity.Current = span;
        try
        {
            action();
        }
        finally
        {
            Activity.Current = current;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_spanId")]
    private static extern ref string? SpanIdField(Activity activity);
}
