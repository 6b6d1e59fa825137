using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>Listens to every instrument of this host's meters (those created through its <see cref="IMeterFactory"/>:
/// the engine's, the streams', ASP.NET Core's) and of Orleans' own meter, and aggregates their measurements in memory
/// for <c>GET /metrics</c>.
/// Registered as a hosted service only so that it is created, and listening, before the silo starts.</summary>
internal sealed class MetricsCollector : IHostedService, IDisposable
{
    /// <summary>The meter Orleans' runtime records on.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();

    public MetricsCollector(IMeterFactory meterFactory)
    {
        // Meters of other hosts in the same process (tests run several) have another factory as their scope. Orleans
        // creates its meter without a factory, once per process.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var ours = ReferenceEquals(instrument.Meter.Scope, meterFactory)
                || (instrument.Meter.Scope is null && instrument.Meter.Name == OrleansMeterName);
            if (ours && InstrumentAggregate.For(instrument) is { } aggregate)
            {
                _instruments[instrument] = aggregate;
                listener.EnableMeasurementEvents(instrument, aggregate);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentAggregate? _);
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => Record(state, (double)value, tags));
        _listener.Start();
    }

    /// <summary>Polls the observable instruments, then returns every instrument's series, by name.</summary>
    public IReadOnlyList<MetricSnapshot> Collect()
    {
        _listener.RecordObservableInstruments();
        return [.. _instruments.Values.Select(a => a.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        (state as InstrumentAggregate)?.Record(value, tags);
}
