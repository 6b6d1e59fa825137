using System.Diagnostics.Metrics;

namespace Orchestrator.Providers.Streams;

/// <summary>The streams' meter: items delivered to consumers, and each durable stream's unacknowledged depth.</summary>
public sealed class StreamMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Orchestrator.Streams";

    private readonly Meter _meter;
    private readonly Counter<long> _delivered;

    /// <summary>Creates the meter through the host's meter factory.</summary>
    public StreamMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _delivered = _meter.CreateCounter<long>("orchestrator.stream.delivered", "{item}", "Stream items delivered to consumers");
    }

    internal void Delivered(string streamNamespace) =>
        _delivered.Add(1, new KeyValuePair<string, object?>("stream.namespace", streamNamespace));

    internal void ObserveDepth(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge("orchestrator.stream.depth", observe, "{item}", "Unacknowledged items per durable stream");
}
