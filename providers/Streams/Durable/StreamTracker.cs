using Orchestrator.Providers.Concurrency;
using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Streams.Durable;

/// <summary>In-memory signals and counters of one durable stream on this silo.</summary>
internal sealed class StreamTracker
{
    /// <summary>Recently stored items kept for consumers on this silo, so that they need not read them back.</summary>
    public const int RecentLimit = 1024;

    /// <summary>Payload characters the recent items may hold.</summary>
    public const long RecentPayloadLimit = 4 * 1024 * 1024;

    private readonly SortedList<long, QueueItem> _recent = [];
    private readonly Lock _recentLock = new();
    private long _recentChars;
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

    /// <summary>An item was stored (on this silo, or on another and relayed here): consumers on this silo wake up and
    /// may take it from memory.</summary>
    public void Stored(QueueItem item)
    {
        lock (_recentLock)
        {
            if (_recent.TryAdd(item.Sequence, item))
            {
                _recentChars += item.Payload.Length;
                while (_recent.Count > RecentLimit || (_recentChars > RecentPayloadLimit && _recent.Count > 1))
                {
                    _recentChars -= _recent.Values[0].Payload.Length;
                    _recent.RemoveAt(0);
                }
            }
        }

        MonotonicLong.Raise(ref _lastSequence, item.Sequence);
        Published.Pulse();
    }

    /// <summary>The items right after <paramref name="offset"/> that are held in memory, in order and without a gap (up to
    /// <paramref name="max"/>); empty when the next item is not held, and the store must be read.</summary>
    public IReadOnlyList<QueueItem> TakeRecent(long offset, int max)
    {
        lock (_recentLock)
        {
            if (_recent.Count == 0 || !_recent.ContainsKey(offset + 1))
            {
                return [];
            }

            var items = new List<QueueItem>(Math.Min(max, _recent.Count));
            for (var next = offset + 1; items.Count < max && _recent.TryGetValue(next, out var item); next++)
            {
                items.Add(item);
            }

            return items;
        }
    }

    public void AcknowledgedUpTo(long sequence)
    {
        MonotonicLong.Raise(ref _lastSequence, sequence);
        Interlocked.Exchange(ref _lowestAcknowledged, sequence);
        Acknowledged.Pulse();
    }
}
