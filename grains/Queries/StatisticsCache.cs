using System.Collections.Concurrent;

namespace Orchestrator.Queries;

/// <summary>Keeps each statistic computed over a window for a while (a 120th of the window, 5 s to 60 s): they count
/// every row of the window, and a dashboard overview open in several browsers asks for the same ones every few seconds.
/// A statistic asked for while it is being computed waits for that computation.</summary>
internal sealed class StatisticsCache(TimeProvider clock)
{
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<object> Value)> _entries = new(StringComparer.Ordinal);

    /// <summary>How long a statistic over <paramref name="window"/> is kept.</summary>
    public static TimeSpan KeepFor(TimeSpan window) => TimeSpan.FromTicks(Math.Clamp(window.Ticks / 120, Shortest.Ticks, Longest.Ticks));

    /// <summary>The statistic under <paramref name="key"/> over the window since <paramref name="since"/>, computed anew
    /// when none is kept or the kept one is too old.</summary>
    public async Task<T> GetAsync<T>(string key, DateTimeOffset since, Func<Task<T>> compute)
        where T : class
    {
        var now = clock.GetUtcNow();
        var window = now - since;
        // The same window asked for a moment later has a later start: the key holds its length, to the second.
        var entryKey = FormattableString.Invariant($"{typeof(T).Name}|{key}|{(long)window.TotalSeconds}");
        if (!_entries.TryGetValue(entryKey, out var entry) || now - entry.At > KeepFor(window) || entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            entry = (now, ComputeAsync(compute));
            _entries[entryKey] = entry;
            foreach (var stale in _entries.Where(e => now - e.Value.At > Longest).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(stale, out _);
            }
        }

        return (T)await entry.Value;
    }

    private static async Task<object> ComputeAsync<T>(Func<Task<T>> compute)
        where T : class => await compute();
}
