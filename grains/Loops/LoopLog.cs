namespace Orchestrator.Loops;

/// <summary>The last lines of a loop's log, in memory (a bounded ring; the silo's own log keeps everything). The loop
/// stores its latest <see cref="Kept"/> lines with each checkpoint and starts the ring from them after a restart.</summary>
internal sealed class LoopLog
{
    /// <summary>How many of the latest lines a checkpoint stores.</summary>
    public const int Kept = 1_000;

    private readonly Lock _lock = new();
    private readonly Queue<LoopLogEntry> _entries = new();
    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private long _seq;
    private long _keptSeq = -1;

    /// <summary>A ring of <paramref name="capacity"/> lines that starts with <paramref name="stored"/> (oldest first),
    /// numbering on after the last of them.</summary>
    public LoopLog(TimeProvider clock, IReadOnlyList<LoopLogEntry>? stored = null, int capacity = 2_000)
    {
        _clock = clock;
        _capacity = capacity;
        foreach (var entry in (stored ?? []).TakeLast(capacity))
        {
            _entries.Enqueue(entry);
            _seq = Math.Max(_seq, entry.Seq);
        }

        _keptSeq = _seq;
    }

    public void Info(string message, string? node = null, long? iteration = null) => Add("info", message, node, iteration);

    public void Warning(string message, string? node = null, long? iteration = null) => Add("warning", message, node, iteration);

    public void Error(string message, string? node = null, long? iteration = null) => Add("error", message, node, iteration);

    /// <summary>A line at <paramref name="level"/> (<c>info</c>, <c>warning</c> or <c>error</c>).</summary>
    public void Write(string level, string message, string? node = null, long? iteration = null) => Add(level, message, node, iteration);

    public IReadOnlyList<LoopLogEntry> Read(LoopLogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            var limit = Math.Clamp(query.Limit, 1, _capacity);
            var matching = _entries.Where(e => query.Node is null || e.Node == query.Node);
            if (query.AfterSeq is { } after)
            {
                // Paging forward: the first lines after the given one.
                return [.. matching.Where(e => e.Seq > after).Take(limit)];
            }

            // A tail: the latest lines.
            var all = matching.ToList();
            return all.Count > limit ? all[^limit..] : all;
        }
    }

    /// <summary>The latest <see cref="Kept"/> lines when lines came since the last call, else null (nothing to store).</summary>
    public List<LoopLogEntry>? TakeChangedTail()
    {
        lock (_lock)
        {
            if (_seq == _keptSeq)
            {
                return null;
            }

            _keptSeq = _seq;
            return [.. _entries.Skip(Math.Max(0, _entries.Count - Kept))];
        }
    }

    private void Add(string level, string message, string? node, long? iteration)
    {
        lock (_lock)
        {
            _entries.Enqueue(new LoopLogEntry { Seq = ++_seq, At = _clock.GetUtcNow(), Level = level, Node = node, Iteration = iteration, Message = message });
            if (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }
        }
    }
}
