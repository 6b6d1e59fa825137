using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>The in-memory aggregate of one instrument: a running sum (counters, up-down counters), the last value
/// (observable instruments and gauges report their current value), or histogram buckets; one series per tag set.</summary>
internal sealed class InstrumentAggregate
{
    private static readonly double[] MillisecondBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1_000, 2_500, 5_000, 7_500, 10_000];
    private static readonly double[] SecondBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Instrument _instrument;
    private readonly MetricKind _kind;
    private readonly bool _reportsCurrentValue;
    private readonly double[] _boundaries;
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    private InstrumentAggregate(Instrument instrument, MetricKind kind, bool reportsCurrentValue, double[] boundaries)
    {
        _instrument = instrument;
        _kind = kind;
        _reportsCurrentValue = reportsCurrentValue;
        _boundaries = boundaries;
    }

    /// <summary>The aggregate for <paramref name="instrument"/>, or null for a kind of instrument it does not know.</summary>
    public static InstrumentAggregate? For(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return new(instrument, MetricKind.Counter, false, []);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new(instrument, MetricKind.Counter, true, []);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new(instrument, MetricKind.Gauge, false, []);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>))
        {
            return new(instrument, MetricKind.Gauge, true, []);
        }

        return definition == typeof(Histogram<>)
            ? new(instrument, MetricKind.Histogram, false, BoundariesOf(instrument))
            : null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u0001', labels.Select(l => $"{l.Key}\u0002{l.Value}"));
        var series = _series.GetOrAdd(key, static (_, state) => new Series(state.Labels, state.Buckets), (Labels: labels, Buckets: _kind == MetricKind.Histogram ? _boundaries.Length + 1 : 0));
        series.Add(value, _kind, _reportsCurrentValue, _boundaries);
    }

    public MetricSnapshot Snapshot() => new(
        _instrument.Name,
        _instrument.Unit,
        _instrument.Description,
        _kind,
        _boundaries,
        [.. _series.Values.Select(s => s.Read()).OrderBy(s => string.Join(',', s.Labels), StringComparer.Ordinal)]);

    private static double[] BoundariesOf(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        return advised?.Order().ToArray() ?? (instrument.Unit == "s" ? SecondBuckets : MillisecondBuckets);
    }

    /// <summary>One tag set's running aggregate.</summary>
    private sealed class Series(KeyValuePair<string, string>[] labels, int bucketCount)
    {
        private readonly Lock _lock = new();
        private readonly long[] _buckets = new long[bucketCount];
        private double _value;
        private double _sum;
        private long _count;

        public void Add(double value, MetricKind kind, bool reportsCurrentValue, double[] boundaries)
        {
            lock (_lock)
            {
                if (kind == MetricKind.Histogram)
                {
                    var bucket = 0;
                    while (bucket < boundaries.Length && value > boundaries[bucket])
                    {
                        bucket++;
                    }

                    _buckets[bucket]++;
                    _sum += value;
                    _count++;
                }
                else if (reportsCurrentValue)
                {
                    _value = value;
                }
                else
                {
                    _value += value;
                }
            }
        }

        public MetricSeries Read()
        {
            lock (_lock)
            {
                var cumulative = new long[_buckets.Length];
                long running = 0;
                for (var i = 0; i < _buckets.Length; i++)
                {
                    running += _buckets[i];
                    cumulative[i] = running;
                }

                return new MetricSeries(labels, _value, _buckets.Length == 0 ? null : cumulative, _sum, _count);
            }
        }
    }
}
