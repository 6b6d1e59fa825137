using Microsoft.AspNetCore.Builder;
using Orchestrator.Api.Schedules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Schedules;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 004's <c>/api/scheduler/schedules</c> (flow 1): create, list, read, update and delete schedules in the
/// seed's field names, on the same schedule grains as <c>/api/schedules</c>.</summary>
internal static class SeedScheduleEndpoints
{
    public static IEndpointRouteBuilder MapSeedSchedules(this IEndpointRouteBuilder app)
    {
        var seed = app.MapGroup($"{ApiEndpoints.Prefix}/scheduler/schedules").WithTags("schedules (seed 004)");
        seed.MapPost("", CreateAsync).WithName("CreateScheduleSeed")
            .WithSummary("Seed 004: creates a schedule from {name, taskType, taskConfig, scheduleType, scheduleConfig, enabled?} → 201.")
            .Accepts<SeedScheduleRequest>(JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        seed.MapGet("", ListAsync).WithName("ListSchedulesSeed").WithSummary("Seed 004: schedules, newest first, as {schedules, count, cursor}.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        seed.MapGet("/{id}", GetAsync).WithName("GetScheduleSeed").WithSummary("Seed 004: a schedule with nextRunAt and lastRunAt.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        seed.MapPut("/{id}", UpdateAsync).WithName("UpdateScheduleSeed").WithSummary("Seed 004: replaces a schedule.")
            .Accepts<SeedScheduleRequest>(JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        seed.MapDelete("/{id}", SchedulesApi.DeleteAsync).WithName("DeleteScheduleSeed").WithSummary("Seed 004: deletes a schedule.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Admin();
        return app;
    }

    private static async Task<Results<Created<SeedScheduleResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest http, IGrainFactory grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ReadAsync(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var id = ScheduleIds.New(clock);
        try
        {
            var schedule = await grains.GetGrain<IScheduleGrain>(id).CreateAsync(definition!);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/scheduler/schedules/{id}", SeedScheduleMapping.ToResponse(schedule));
        }
        catch (Exception e) when (ScheduleProblems.ToProblem(e, SeedScheduleMapping.FieldName) is { } mapped)
        {
            return mapped;
        }
    }

    private static async Task<Results<Ok<SeedScheduleList>, ProblemHttpResult>> ListAsync(
        string? workflow, string? enabled, string? limit, string? cursor, IGrainFactory grains)
    {
        var (page, problem) = await SchedulesApi.QueryAsync(workflow, enabled, limit, cursor, grains);
        if (problem is not null)
        {
            return problem;
        }

        var snapshots = await Task.WhenAll(page!.Items.Select(item => grains.GetGrain<IScheduleGrain>(item.Id).GetAsync()));
        var schedules = snapshots.OfType<ScheduleSnapshot>().Select(SeedScheduleMapping.ToResponse).ToList();
        return TypedResults.Ok(new SeedScheduleList(schedules, schedules.Count, page.Cursor));
    }

    private static async Task<Results<Ok<SeedScheduleResponse>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var schedule = await grains.GetGrain<IScheduleGrain>(id).GetAsync();
        return schedule is null ? SchedulesApi.NotFound(id) : TypedResults.Ok(SeedScheduleMapping.ToResponse(schedule));
    }

    private static async Task<Results<Ok<SeedScheduleResponse>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ReadAsync(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return TypedResults.Ok(SeedScheduleMapping.ToResponse(await grains.GetGrain<IScheduleGrain>(id).UpdateAsync(definition!)));
        }
        catch (Exception e) when (ScheduleProblems.ToProblem(e, SeedScheduleMapping.FieldName) is { } mapped)
        {
            return mapped;
        }
    }

    private static async Task<(ScheduleDefinition? Definition, ProblemHttpResult? Problem)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<SeedScheduleRequest>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var problems = new List<ScheduleProblem>();
        var definition = SeedScheduleMapping.ToDefinition(request!, problems);
        return problems.Count > 0 ? (null, ScheduleProblems.Invalid(problems, SeedScheduleMapping.FieldName)) : (definition, null);
    }
}
