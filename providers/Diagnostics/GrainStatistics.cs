using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Providers.Diagnostics;

/// <summary>Counts this silo's grain calls (an incoming call filter: calls, failures, time in the grain) and its live
/// activations (an observer of Orleans' activation working set), by grain type, for <see cref="IGrainStatistics"/> and
/// on the meter <see cref="MeterName"/>. Orleans' system targets are left out.</summary>
internal sealed class GrainStatistics : IIncomingGrainCallFilter, IActivationWorkingSetObserver, IGrainStatistics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Orchestrator.Grains";

    // Keyed by Orleans' own grain type (its hash is kept with it), so that a call makes no string of its type's name.
    private readonly ConcurrentDictionary<GrainType, TypeCounters> _byType = new();
    private readonly ConcurrentDictionary<IGrainContext, TypeCounters> _live = new();
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failedCalls;
    private readonly Histogram<double> _callDuration;
    private readonly UpDownCounter<long> _activations;

    public GrainStatistics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>("orchestrator.grain.calls", "{call}", "Grain calls completed");
        _failedCalls = meter.CreateCounter<long>("orchestrator.grain.calls.failed", "{call}", "Grain calls that threw");
        _callDuration = meter.CreateHistogram("orchestrator.grain.call.duration", "s", "Time a grain call took in the grain",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _activations = meter.CreateUpDownCounter<long>("orchestrator.grain.activations", "{activation}", "Live activations");
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await context.Invoke();
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            if (Counters(context.TargetId.Type) is { } counters)
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                counters.Call(elapsed.TotalMilliseconds, failed);
                _calls.Add(1, counters.Tag);
                _callDuration.Record(elapsed.TotalSeconds, counters.Tag);
                if (failed)
                {
                    _failedCalls.Add(1, counters.Tag);
                }
            }
        }
    }

    public void OnAdded(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext grain && Counters(grain.GrainId.Type) is { } counters && _live.TryAdd(grain, counters))
        {
            counters.Activated();
            _activations.Add(1, counters.Tag);
        }
    }

    public void OnDeactivated(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext grain && _live.TryRemove(grain, out var counters))
        {
            counters.Deactivated();
            _activations.Add(-1, counters.Tag);
        }
    }

    public IReadOnlyList<GrainTypeStatistics> GetByGrainType() =>
        [.. _byType.Values.Where(counters => !counters.IsSystem).OrderBy(counters => counters.Name, StringComparer.Ordinal).Select(counters => counters.Snapshot())];

    /// <summary>The counters of <paramref name="grainType"/>, or null for Orleans' own system targets (<c>sys.svc…</c>),
    /// which are not the application's grains.</summary>
    private TypeCounters? Counters(GrainType grainType) =>
        _byType.GetOrAdd(grainType, static type => new TypeCounters(type.ToString()!)) is { IsSystem: false } counters ? counters : null;

    private sealed class TypeCounters(string name)
    {
        private readonly Lock _lock = new();
        private int _activations;
        private long _created;
        private long _calls;
        private long _failed;
        private double _totalMilliseconds;
        private double _maxMilliseconds;

        public string Name { get; } = name;

        public bool IsSystem { get; } = name.StartsWith("sys.", StringComparison.Ordinal);

        /// <summary>The metric tag naming the type, made once.</summary>
        public KeyValuePair<string, object?> Tag { get; } = new("grain.type", name);

        public void Activated()
        {
            lock (_lock)
            {
                _activations++;
                _created++;
            }
        }

        public void Deactivated()
        {
            lock (_lock)
            {
                _activations--;
            }
        }

        public void Call(double milliseconds, bool failed)
        {
            lock (_lock)
            {
                _calls++;
                _failed += failed ? 1 : 0;
                _totalMilliseconds += milliseconds;
                _maxMilliseconds = Math.Max(_maxMilliseconds, milliseconds);
            }
        }

        public GrainTypeStatistics Snapshot()
        {
            lock (_lock)
            {
                return new GrainTypeStatistics(
                    Name, _activations, _created, _calls, _failed,
                    _calls == 0 ? 0 : Math.Round(_totalMilliseconds / _calls, 3), Math.Round(_maxMilliseconds, 3));
            }
        }
    }
}
