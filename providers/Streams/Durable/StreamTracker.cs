using Orchestrator.Providers.Concurrency;

namespace Orchestrator.Providers.Streams.Durable;

/// <summary>In-memory signals and counters of one durable stream on this silo.</summary>
internal sealed class StreamTracker
{
    private long _lastSequence;
    private long _lowestAcknowledged = long.MaxValue;

    /// <summary>Pulsed when an item is stored: agents wake up.</summary>
    public AsyncSignal Published { get; } = new();

    /// <summary>Pulsed when a consumer acknowledges: waiting publishers retry.</summary>
    public AsyncSignal Acknowledged { get; } = new();

    /// <summary>Items stored but not yet acknowledged by the slowest agent on this silo (an estimate for metrics).</summary>
    public long Depth
    {
        get
        {
            var last = Interlocked.Read(ref _lastSequence);
            var low = Interlocked.Read(ref _lowestAcknowledged);
            return low == long.MaxValue ? 0 : Math.Max(0, last - low);
        }
    }

    public void Appended(long sequence)
    {
        MonotonicLong.Raise(ref _lastSequence, sequence);
        Published.Pulse();
    }

    public void AcknowledgedUpTo(long sequence)
    {
        MonotonicLong.Raise(ref _lastSequence, sequence);
        Interlocked.Exchange(ref _lowestAcknowledged, sequence);
        Acknowledged.Pulse();
    }
}
