namespace Orchestrator.Queries;

/// <summary>Runs that finished in a window, read from the view finished runs write: how long they and their nodes took
/// and how many node attempts they made.</summary>
/// <param name="Since">The window's start.</param>
/// <param name="CoveredSince">The start of the stretch the figures cover: <paramref name="Since"/>, or later when more
/// than <see cref="NodeStatistics.Sample"/> runs finished in the window (then the newest of them are read).</param>
/// <param name="Runs">Finished runs read.</param>
/// <param name="RunDurationP50Seconds">Median run duration (started → finished).</param>
/// <param name="RunDurationP99Seconds">99th percentile of the same.</param>
/// <param name="Attempts">Node attempts those runs made (forEach elements each count).</param>
/// <param name="TasksPerSecond">Attempts per second over the covered stretch.</param>
/// <param name="NodeDurationP50Seconds">Median node duration, over every node of those runs.</param>
/// <param name="NodeDurationP99Seconds">99th percentile of the same.</param>
/// <param name="Nodes">Per node, for one workflow's statistics (empty over every workflow).</param>
public sealed record NodeStatistics(
    DateTimeOffset Since,
    DateTimeOffset CoveredSince,
    int Runs,
    double? RunDurationP50Seconds,
    double? RunDurationP99Seconds,
    long Attempts,
    double TasksPerSecond,
    double? NodeDurationP50Seconds,
    double? NodeDurationP99Seconds,
    IReadOnlyDictionary<string, NodeDurationStatistics> Nodes)
{
    /// <summary>The most finished runs one read takes into account (the newest).</summary>
    public const int Sample = 2000;
}

/// <summary>One node's figures over the finished runs of a window.</summary>
/// <param name="Count">Runs in which the node finished (completed or failed) with a duration.</param>
/// <param name="Attempts">Its attempts in those runs.</param>
/// <param name="Failed">Runs in which it failed.</param>
/// <param name="P50Seconds">Median duration (first start → finish, retries included).</param>
/// <param name="P90Seconds">90th percentile.</param>
/// <param name="P99Seconds">99th percentile.</param>
public sealed record NodeDurationStatistics(long Count, long Attempts, long Failed, double? P50Seconds, double? P90Seconds, double? P99Seconds);
