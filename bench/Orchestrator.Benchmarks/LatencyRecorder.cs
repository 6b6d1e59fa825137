using System.Diagnostics;

namespace Orchestrator.Benchmarks;

/// <summary>Collects per-operation latencies and prints percentiles.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public void Record(long startTimestamp)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = Stopwatch.GetTimestamp() - startTimestamp;
        }
    }

    public double Percentile(double p)
    {
        var n = Math.Min(_count, _ticks.Length);
        if (n == 0)
        {
            return 0;
        }

        var sorted = _ticks[..n];
        Array.Sort(sorted);
        var index = (int)Math.Clamp(Math.Ceiling(p / 100 * n) - 1, 0, n - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }

    public string Summary() => $"p50 {Percentile(50):0.000} ms, p99 {Percentile(99):0.000} ms";
}
