namespace Orchestrator.Loops;

/// <summary>The last lines of a loop's log, in memory (a bounded ring; the silo's own log keeps everything).</summary>
internal sealed class LoopLog(TimeProvider clock, int capacity = 2_000)
{
    private readonly Lock _lock = new();
    private readonly Queue<LoopLogEntry> _entries = new();
    private long _seq;

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
            var limit = Math.Clamp(query.Limit, 1, capacity);
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

    private void Add(string level, string message, string? node, long? iteration)
    {
        lock (_lock)
        {
            _entries.Enqueue(new LoopLogEntry { Seq = ++_seq, At = clock.GetUtcNow(), Level = level, Node = node, Iteration = iteration, Message = message });
            if (_entries.Count > capacity)
            {
                _entries.Dequeue();
            }
        }
    }
}
