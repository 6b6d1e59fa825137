namespace Orchestrator.History;

/// <summary>Names the history of one queue or loop: the key of its <see cref="IHistoryGrain"/>, whose journal holds the
/// samples, each under the Unix milliseconds of its slot (so that a window is read from its start, and a slot sampled
/// twice is told apart).</summary>
internal static class HistorySeries
{
    /// <summary>The grain type of <see cref="HistoryGrain"/>.</summary>
    public const string GrainType = "history";

    public static string Queue(string name) => "queue/" + name;

    public static string Loop(string loopId) => "loop/" + loopId;

    /// <summary>The grain (and so the journal) of a series.</summary>
    public static GrainId GrainOf(string series) => GrainId.Create(GrainType, series);

    /// <summary>The journal sequence of a sample taken at <paramref name="at"/>.</summary>
    public static long Sequence(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
