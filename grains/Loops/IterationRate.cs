namespace Orchestrator.Loops;

/// <summary>Counts events per second over a sliding window of whole seconds (the current second included, weighted by
/// how much of it has passed), from the injected clock.</summary>
internal sealed class IterationRate(TimeProvider clock, int windowSeconds = 10)
{
    private readonly Lock _lock = new();
    private readonly long[] _counts = new long[windowSeconds + 1];
    private readonly long[] _seconds = new long[windowSeconds + 1];
    private long _since = long.MinValue;

    public int WindowSeconds => windowSeconds;

    public void Add()
    {
        var second = clock.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            if (_since == long.MinValue)
            {
                _since = second;
            }

            var slot = (int)(second % _counts.Length);
            if (_seconds[slot] != second)
            {
                _seconds[slot] = second;
                _counts[slot] = 0;
            }

            _counts[slot]++;
        }
    }

    /// <summary>Events per second over the last <see cref="WindowSeconds"/> seconds (or since the first event, if later).</summary>
    public double PerSecond()
    {
        var now = clock.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        lock (_lock)
        {
            if (_since == long.MinValue)
            {
                return 0;
            }

            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                if (_seconds[i] > second - _counts.Length && _seconds[i] <= second)
                {
                    total += _counts[i];
                }
            }

            // Whole seconds before the current one, plus the part of the current one that has passed.
            var fullSeconds = Math.Min(windowSeconds, second - _since);
            var span = fullSeconds + ((now.ToUnixTimeMilliseconds() % 1000) / 1000.0);
            return span <= 0 ? 0 : Math.Round(total / Math.Max(span, 0.001), 2);
        }
    }
}
