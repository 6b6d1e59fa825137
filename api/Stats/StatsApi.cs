using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Orchestrator.Definitions;
using Orchestrator.Queries;

namespace Orchestrator.Api.Stats;

/// <summary><c>/api/stats</c>: figures over time windows, counted from the views (never by reading every grain).</summary>
public static class StatsApi
{
    private static readonly TimeSpan LongestWindow = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/stats").WithTags("stats");
        group.MapGet("/runs", RunsAsync).WithName("GetRunStatistics")
            .WithSummary("Runs created in the last ?window= (default 1h, at most 7d; of ?workflow= when given): by status, per sixtieth of the window, failure rate, p50/p99 duration.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        return app;
    }

    private static async Task<Results<Ok<RunStatistics>, ProblemHttpResult>> RunsAsync(string? window, string? workflow, IGrainFactory grains, TimeProvider clock)
    {
        var length = TimeSpan.FromHours(1);
        if (!string.IsNullOrEmpty(window) && (!Duration.TryParse(window, out length) || length < TimeSpan.FromMinutes(1) || length > LongestWindow))
        {
            return ApiProblems.BadRequest(nameof(window), $"window must be a duration from 1m to 7d (e.g. 1h, 24h), not '{window}'");
        }

        // Sixty slices, each a whole number of minutes.
        var bucket = TimeSpan.FromMinutes(Math.Max(1, Math.Ceiling(length.TotalMinutes / 60)));
        var since = clock.GetUtcNow() - length;
        var statistics = await grains.GetGrain<IQueryGrain>(IQueryGrain.Key)
            .RunStatisticsAsync(string.IsNullOrEmpty(workflow) ? null : workflow, since, bucket);
        return TypedResults.Ok(statistics);
    }
}
