using System.Diagnostics;
using Orchestrator.Diagnostics;

namespace Orchestrator.Grains.Tests.Diagnostics;

/// <summary>A span emitted with ids chosen earlier (a run's, when it ends) reaches the listeners with those ids and its
/// stored start time, and costs no exception.</summary>
public sealed class StoredSpanTests
{
    [Fact]
    public void AStoredSpan_IsExportedWithItsStoredIdsAndTimes_WithoutAnExceptionThrown()
    {
        using var source = new ActivitySource($"stored-span-test-{Guid.NewGuid():N}");
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();
        var startedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var thrown = 0;
        var thread = Environment.CurrentManagedThreadId;
        EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> count = (_, _) =>
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref thrown);
            }
        };
        AppDomain.CurrentDomain.FirstChanceException += count;
        var current = Activity.Current;
        try
        {
            var span = StoredSpan.Start(source, "run stored", ActivityKind.Internal, traceId, spanId, parentId, ActivityTraceFlags.Recorded, null, startedAt);
            Assert.NotNull(span);
            Assert.Same(current, Activity.Current);
            span.SetEndTime(startedAt.AddSeconds(3).UtcDateTime);
            StoredSpan.Stop(span);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= count;
        }

        var exported = Assert.Single(stopped);
        Assert.Equal((traceId, spanId, parentId), (exported.TraceId, exported.SpanId, exported.ParentSpanId));
        Assert.Equal(startedAt.UtcDateTime, exported.StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(3), exported.Duration);
        Assert.Same(current, Activity.Current);
        Assert.Equal(0, thrown);
    }
}
