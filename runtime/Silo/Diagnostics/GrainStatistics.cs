using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Orchestrator.Runtime.Activation;

namespace Orchestrator.Runtime.Diagnostics;

/// <summary>Counts activations from the catalog and aggregates this silo's call instruments by grain type. Registered as
/// a hosted service ahead of the silo only so that it is created, and listening, before the first call.</summary>
internal sealed class GrainStatistics : IGrainStatistics, IHostedService, IDisposable
{
    private const string GrainTypeTag = "grain.type";
    private const string Calls = "orchestrator.grain.calls";
    private const string FailedCalls = "orchestrator.grain.calls.failed";
    private const string CallDuration = "orchestrator.grain.call.duration";
    private const string ActivationsCreated = "orchestrator.grain.activations.created";

    private readonly Catalog _catalog;
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, TypeCounters> _byType = new(StringComparer.Ordinal);

    public GrainStatistics(RuntimeMetrics metrics, Catalog catalog)
    {
        _catalog = catalog;
        _meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter) && instrument.Name is Calls or FailedCalls or CallDuration or ActivationsCreated)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<GrainTypeStatistics> GetByGrainType()
    {
        var live = _catalog.Activations
            .GroupBy(a => a.GrainId.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. live.Keys.Union(_byType.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(type =>
            {
                var counters = _byType.TryGetValue(type, out var found) ? found.Read() : default;
                return new GrainTypeStatistics(
                    type,
                    live.GetValueOrDefault(type),
                    counters.Created,
                    counters.Calls,
                    counters.Failed,
                    counters.DurationCount == 0 ? 0 : Math.Round(counters.TotalMilliseconds / counters.DurationCount, 3),
                    Math.Round(counters.MaxMilliseconds, 3));
            })];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? type = null;
        foreach (var tag in tags)
        {
            if (tag.Key == GrainTypeTag)
            {
                type = tag.Value as string;
            }
        }

        if (type is null)
        {
            return;
        }

        var counters = _byType.GetOrAdd(type, static _ => new TypeCounters());
        counters.Add(instrument, value);
    }

    /// <summary>The running totals of one grain type.</summary>
    private sealed class TypeCounters
    {
        private readonly Lock _lock = new();
        private Totals _totals;

        public void Add(string instrument, double value)
        {
            lock (_lock)
            {
                switch (instrument)
                {
                    case Calls:
                        _totals.Calls += (long)value;
                        break;
                    case FailedCalls:
                        _totals.Failed += (long)value;
                        break;
                    case ActivationsCreated:
                        _totals.Created += (long)value;
                        break;
                    case CallDuration:
                        _totals.DurationCount++;
                        _totals.TotalMilliseconds += value;
                        _totals.MaxMilliseconds = Math.Max(_totals.MaxMilliseconds, value);
                        break;
                }
            }
        }

        public Totals Read()
        {
            lock (_lock)
            {
                return _totals;
            }
        }
    }

    /// <summary>A copy of one grain type's totals.</summary>
    private struct Totals
    {
        public long Calls;
        public long Failed;
        public long Created;
        public long DurationCount;
        public double TotalMilliseconds;
        public double MaxMilliseconds;
    }
}
