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

    private readonly ConcurrentDictionary<string, TypeCounters> _byType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IGrainContext, string> _live = new();
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
            var grainType = context.TargetId.Type.ToString()!;
            if (!IsSystem(grainType))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                Counters(grainType).Call(elapsed.TotalMilliseconds, failed);
                var tag = new KeyValuePair<string, object?>("grain.type", grainType);
                _calls.Add(1, tag);
                _callDuration.Record(elapsed.TotalSeconds, tag);
                if (failed)
                {
                    _failedCalls.Add(1, tag);
                }
            }
        }
    }

    public void OnAdded(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext grain && grain.GrainId.Type.ToString() is { } type && !IsSystem(type) && _live.TryAdd(grain, type))
        {
            Counters(type).Activated();
            _activations.Add(1, new KeyValuePair<string, object?>("grain.type", type));
        }
    }

    public void OnDeactivated(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext grain && _live.TryRemove(grain, out var type))
        {
            Counters(type).Deactivated();
            _activations.Add(-1, new KeyValuePair<string, object?>("grain.type", type));
        }
    }

    public IReadOnlyList<GrainTypeStatistics> GetByGrainType() =>
        [.. _byType.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value.Snapshot(pair.Key))];

    /// <summary>Orleans' own system targets (<c>sys.svc…</c>) are not the application's grains.</summary>
    private static bool IsSystem(string grainType) => grainType.StartsWith("sys.", StringComparison.Ordinal);

    private TypeCounters Counters(string grainType) => _byType.GetOrAdd(grainType, static _ => new TypeCounters());

    private sealed class TypeCounters
    {
        private readonly Lock _lock = new();
        private int _activations;
        private long _created;
        private long _calls;
        private long _failed;
        private double _totalMilliseconds;
        private double _maxMilliseconds;

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

        public GrainTypeStatistics Snapshot(string grainType)
        {
            lock (_lock)
            {
                return new GrainTypeStatistics(
                    grainType, _activations, _created, _calls, _failed,
                    _calls == 0 ? 0 : Math.Round(_totalMilliseconds / _calls, 3), Math.Round(_maxMilliseconds, 3));
            }
        }
    }
}
