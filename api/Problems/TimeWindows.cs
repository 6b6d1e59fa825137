using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.History;

namespace Orchestrator.Api.Problems;

/// <summary>The <c>?window=</c> of the statistics and history reads: how far back they look.</summary>
internal static class TimeWindows
{
    /// <summary>Without <c>?window=</c>.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    /// <summary>The longest window of statistics read from the views.</summary>
    public static readonly TimeSpan LongestStatistics = TimeSpan.FromDays(7);

    /// <summary>The longest window of a history: as long as samples are kept.</summary>
    public static readonly TimeSpan LongestHistory = HistoryDefaults.Retention;

    /// <summary>A window from one minute to <paramref name="longest"/>, as the start it gives from now; or the problem
    /// naming <c>window</c>.</summary>
    public static ProblemHttpResult? TrySince(string? window, TimeSpan longest, TimeProvider clock, out DateTimeOffset since, out TimeSpan length)
    {
        var problem = QueryParameters.TryDuration(string.IsNullOrEmpty(window) ? null : window, "window", TimeSpan.FromMinutes(1), longest, Default, out length);
        since = clock.GetUtcNow() - length;
        return problem;
    }
}
