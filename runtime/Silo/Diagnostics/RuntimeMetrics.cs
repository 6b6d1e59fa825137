using System.Diagnostics.Metrics;

namespace Orchestrator.Runtime.Diagnostics;

/// <summary>The runtime's instruments, on the meter <see cref="MeterName"/>.</summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "Orchestrator.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failedCalls;
    private readonly Histogram<double> _callDuration;
    private readonly UpDownCounter<long> _activations;
    private readonly Counter<long> _activationsCreated;
    private readonly Counter<long> _reminderTicks;
    private readonly Counter<long> _streamItemsDelivered;
    private long _activeCount;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _calls = _meter.CreateCounter<long>("orchestrator.grain.calls", "{call}", "Grain calls completed");
        _failedCalls = _meter.CreateCounter<long>("orchestrator.grain.calls.failed", "{call}", "Grain calls that threw or timed out");
        _callDuration = _meter.CreateHistogram<double>("orchestrator.grain.call.duration", "ms", "Time from enqueue to completion of a grain call");
        _activations = _meter.CreateUpDownCounter<long>("orchestrator.grain.activations", "{activation}", "Live activations");
        _activationsCreated = _meter.CreateCounter<long>("orchestrator.grain.activations.created", "{activation}", "Activations created");
        _reminderTicks = _meter.CreateCounter<long>("orchestrator.reminder.ticks", "{tick}", "Reminder ticks delivered");
        _streamItemsDelivered = _meter.CreateCounter<long>("orchestrator.stream.delivered", "{item}", "Stream items delivered to consumers");
    }

    public long ActiveActivations => Interlocked.Read(ref _activeCount);

    public Meter Meter => _meter;

    public void CallCompleted(string grainType, double milliseconds, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _calls.Add(1, tag);
        _callDuration.Record(milliseconds, tag);
        if (failed)
        {
            _failedCalls.Add(1, tag);
        }
    }

    public void ActivationCreated(string grainType)
    {
        Interlocked.Increment(ref _activeCount);
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _activations.Add(1, tag);
        _activationsCreated.Add(1, tag);
    }

    public void ActivationRemoved(string grainType)
    {
        Interlocked.Decrement(ref _activeCount);
        _activations.Add(-1, new KeyValuePair<string, object?>("grain.type", grainType));
    }

    public void ReminderTick(string grainType) =>
        _reminderTicks.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    public void StreamItemDelivered(string streamNamespace) =>
        _streamItemsDelivered.Add(1, new KeyValuePair<string, object?>("stream.namespace", streamNamespace));

    /// <summary>Publishes stream depth through a callback (durable streams register theirs).</summary>
    public void ObserveStreamDepth(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge("orchestrator.stream.depth", observe, "{item}", "Unacknowledged items per durable stream");

    public void Dispose() => _meter.Dispose();
}
