namespace Orchestrator.Loops;

/// <summary>Which queue messages a loop handled: the last sequence (a redelivered message is at or below it) and the
/// ids of the last <see cref="Capacity"/> messages (a message pushed twice, say by a push retried after a crash,
/// carries the id of the first).</summary>
internal sealed class QueueWindow
{
    public const int Capacity = 256;

    private readonly Lock _lock = new();
    private readonly Queue<string> _order = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private long _lastSequence;

    public QueueWindow(long lastSequence, IEnumerable<string> recentIds)
    {
        _lastSequence = lastSequence;
        foreach (var id in recentIds)
        {
            Remember(id);
        }
    }

    public bool IsHandled(long sequence, string id)
    {
        lock (_lock)
        {
            return sequence <= _lastSequence || _ids.Contains(id);
        }
    }

    public void Handled(long sequence, string id)
    {
        lock (_lock)
        {
            _lastSequence = Math.Max(_lastSequence, sequence);
            Remember(id);
        }
    }

    public (long LastSequence, List<string> RecentIds) Snapshot()
    {
        lock (_lock)
        {
            return (_lastSequence, [.. _order]);
        }
    }

    private void Remember(string id)
    {
        if (!_ids.Add(id))
        {
            return;
        }

        _order.Enqueue(id);
        if (_order.Count > Capacity)
        {
            _ids.Remove(_order.Dequeue());
        }
    }
}
