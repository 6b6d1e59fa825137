using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;
using Orchestrator.Queries;

namespace Orchestrator.Api.Stats;

/// <summary><c>/api/stats</c>: figures over time windows, counted from the views (never by reading every grain).</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/stats").WithTags("stats");
        group.MapGet("/runs", RunsAsync).WithName("GetRunStatistics")
            .WithSummary("Runs created in the last ?window= (default 1h, at most 7d; of ?workflow= when given): by status, per sixtieth of the window, failure rate, p50/p99 duration.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/nodes", NodesAsync).WithName("GetNodeStatistics")
            .WithSummary("Runs that finished in the last ?window= (default 1h, at most 7d; of ?workflow= when given): run and node duration p50/p99, node attempts and tasks (attempts) per second; per node p50/p90/p99 when a workflow is given.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        return app;
    }

    private static async Task<Results<Ok<RunStatistics>, ProblemHttpResult>> RunsAsync(
        string? window, string? workflow, IGrainFactory grains, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock)
    {
        if (TimeWindows.TrySince(window, TimeWindows.LongestStatistics, clock, out var since, out var length) is { } badWindow)
        {
            return badWindow;
        }

        // Sixty slices, each a whole number of minutes.
        var bucket = TimeSpan.FromMinutes(Math.Max(1, Math.Ceiling(length.TotalMinutes / 60)));
        var statistics = await grains.GetGrain<IQueryGrain>(IQueryGrain.Key)
            .RunStatisticsAsync(string.IsNullOrEmpty(workflow) ? null : workflow, since, bucket);
        return TypedResults.Ok(statistics);
    }

    private static async Task<Results<Ok<NodeStatistics>, ProblemHttpResult>> NodesAsync(
        string? window, string? workflow, IGrainFactory grains, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock)
    {
        if (TimeWindows.TrySince(window, TimeWindows.LongestStatistics, clock, out var since, out _) is { } badWindow)
        {
            return badWindow;
        }

        return TypedResults.Ok(await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).NodeStatisticsAsync(string.IsNullOrEmpty(workflow) ? null : workflow, since));
    }
}
