namespace Orchestrator.Queries;

/// <summary>Runs created in a window, counted from the runs view: by status over the whole window and per slice of
/// it, with the failure rate of the finished ones and percentiles of their durations.</summary>
/// <param name="Since">The window's start.</param>
/// <param name="BucketSeconds">The length of one slice.</param>
/// <param name="ByStatus">Runs by their status now.</param>
/// <param name="Slices">Per slice (oldest first, empty slices left out): when it starts and its runs by status.</param>
/// <param name="FailureRate">Failed runs among finished ones (0 when none finished).</param>
/// <param name="DurationP50Seconds">Median duration of finished runs (from up to <see cref="RunStatistics.DurationSample"/> of the newest).</param>
/// <param name="DurationP99Seconds">99th percentile of the same.</param>
/// <param name="DurationSampleSize">How many finished runs the percentiles come from.</param>
public sealed record RunStatistics(
    DateTimeOffset Since,
    double BucketSeconds,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyList<RunCountSlice> Slices,
    double FailureRate,
    double? DurationP50Seconds,
    double? DurationP99Seconds,
    int DurationSampleSize)
{
    /// <summary>The most finished runs the duration percentiles read.</summary>
    public const int DurationSample = 2000;
}

/// <summary>Runs created in one slice of the window, by status.</summary>
public sealed record RunCountSlice(DateTimeOffset At, IReadOnlyDictionary<string, long> ByStatus);
