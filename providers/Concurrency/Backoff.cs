namespace Orchestrator.Providers.Concurrency;

/// <summary>Waits between tries that double from a first delay up to a ceiling.</summary>
public static class Backoff
{
    /// <summary>The wait before try <paramref name="tries"/> + 1 (the first retry waits <paramref name="first"/>).</summary>
    public static TimeSpan Doubling(TimeSpan first, TimeSpan max, int tries) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks << Math.Clamp(tries - 1, 0, 16)));
}
