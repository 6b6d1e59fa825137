namespace Orchestrator.Loops;

/// <summary>A line of a loop's log: what the loop did (started, paused, …) or what one of its nodes did (started,
/// completed with its duration, a failed attempt, a retry, what a <c>log</c> or <c>dotnet</c> node wrote).</summary>
public sealed record LoopLogEntry
{
    /// <summary>1, 2, … in the order the loop wrote them; numbering goes on after a restart.</summary>
    public long Seq { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary><c>info</c>, <c>warning</c> or <c>error</c>.</summary>
    public string Level { get; init; } = "info";

    /// <summary>The node the line is about, or null for the loop itself.</summary>
    public string? Node { get; init; }

    /// <summary>The iteration the line is about, if any.</summary>
    public long? Iteration { get; init; }

    public string Message { get; init; } = "";
}

/// <summary>Which log lines to read: of one <see cref="Node"/> (or all), those after <see cref="AfterSeq"/> or else the
/// latest, at most <see cref="Limit"/>.</summary>
public sealed record LoopLogQuery
{
    /// <summary>Only the lines of this node, when set.</summary>
    public string? Node { get; init; }

    /// <summary>When set, the lines after this sequence number, oldest first (paging forward); when null, the latest
    /// <see cref="Limit"/> lines (a tail), oldest first.</summary>
    public long? AfterSeq { get; init; }

    /// <summary>At most this many lines.</summary>
    public int Limit { get; init; } = 100;
}
