using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Queries;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Schedules;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Schedules;

/// <summary><c>/api/schedules</c> and seed 004's <c>/api/scheduler/schedules</c>: schedules of workflow runs (cron,
/// interval or once), their executions, and the next fire times. Both route families use the same grain.</summary>
public static class SchedulesApi
{
    /// <summary>The most fire times a preview lists.</summary>
    public const int MaxPreview = 100;

    public static IEndpointRouteBuilder MapSchedulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/schedules").WithTags("schedules");
        group.MapPost("", CreateAsync).WithName("CreateSchedule")
            .WithSummary("Creates a schedule: {name, workflow, version?, input?, cron? | every? (+ startAt?) | at?, timeZone?, misfire?, misfireLimit?, overlap?, enabled?, jitter?} → 201 with the schedule.")
            .Accepts<ScheduleDefinition>(JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        group.MapGet("", ListAsync).WithName("ListSchedules")
            .WithSummary("Schedules, newest first, paged; optionally of one workflow (?workflow=) and enabled or not (?enabled=).")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/{id}", GetAsync).WithName("GetSchedule").WithSummary("A schedule with its next and last fire.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateSchedule")
            .WithSummary("Replaces a schedule's definition (enabled stays as it is unless given); the next fire time is computed again.")
            .Accepts<ScheduleDefinition>(JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchedule").WithSummary("Deletes a schedule; the runs it started stay.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Admin();
        group.MapPost("/{id}/enable", EnableAsync).WithName("EnableSchedule").WithSummary("Enables a schedule; it next fires at its first occurrence after now.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Operator();
        group.MapPost("/{id}/disable", DisableAsync).WithName("DisableSchedule").WithSummary("Disables a schedule.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Operator();
        group.MapPost("/{id}/trigger", TriggerAsync).WithName("TriggerSchedule").WithSummary("Starts a run now, whatever the overlap policy; answers the execution record.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Operator();
        group.MapGet("/{id}/executions", GetExecutionsAsync).WithName("GetScheduleExecutions")
            .WithSummary("The schedule's executions, newest first: {runId?, scheduledFor, firedAt, outcome, reason?}.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{id}/preview", PreviewAsync).WithName("PreviewSchedule").WithSummary("The next ?count= (default 10, at most 100) fire times.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        return app;
    }

    private static async Task<Results<Created<ScheduleSnapshot>, ProblemHttpResult>> CreateAsync(
        HttpRequest http, IGrainFactory grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (definition, problem) = await JsonBody.ReadAsync<ScheduleDefinition>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var id = ScheduleIds.New(clock);
        try
        {
            var schedule = await grains.GetGrain<IScheduleGrain>(id).CreateAsync(definition!);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/schedules/{id}", schedule);
        }
        catch (Exception e) when (ScheduleProblems.ToProblem(e) is { } mapped)
        {
            return mapped;
        }
    }

    private static async Task<Results<Ok<Page<ScheduleSummary>>, ProblemHttpResult>> ListAsync(
        string? workflow, string? enabled, string? limit, string? cursor, IGrainFactory grains)
    {
        var (page, problem) = await QueryAsync(workflow, enabled, limit, cursor, grains);
        return problem ?? (Results<Ok<Page<ScheduleSummary>>, ProblemHttpResult>)TypedResults.Ok(page!);
    }

    /// <summary>A page of the schedules view, or the problem with the query.</summary>
    internal static async Task<(Page<ScheduleSummary>? Page, ProblemHttpResult? Problem)> QueryAsync(
        string? workflow, string? enabled, string? limit, string? cursor, IGrainFactory grains)
    {
        bool? enabledFilter = null;
        if (enabled is not null)
        {
            if (QueryParameters.TryBool(enabled, nameof(enabled), out var value) is { } badEnabled)
            {
                return (null, badEnabled);
            }

            enabledFilter = value;
        }

        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return (null, badLimit);
        }

        try
        {
            var filter = string.IsNullOrEmpty(workflow) ? null : workflow;
            return (await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListSchedulesAsync(filter, enabledFilter, size, cursor), null);
        }
        catch (ArgumentException e)
        {
            return (null, ApiProblems.BadRequest(nameof(cursor), e.Message));
        }
    }

    private static async Task<Results<Ok<ScheduleSnapshot>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var schedule = await grains.GetGrain<IScheduleGrain>(id).GetAsync();
        return schedule is null ? NotFound(id) : TypedResults.Ok(schedule);
    }

    private static async Task<Results<Ok<ScheduleSnapshot>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (definition, problem) = await JsonBody.ReadAsync<ScheduleDefinition>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await CallAsync(() => grains.GetGrain<IScheduleGrain>(id).UpdateAsync(definition!));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains)
    {
        try
        {
            await grains.GetGrain<IScheduleGrain>(id).DeleteAsync();
            return TypedResults.NoContent();
        }
        catch (Exception e) when (ScheduleProblems.ToProblem(e) is { } mapped)
        {
            return mapped;
        }
    }

    private static Task<Results<Ok<ScheduleSnapshot>, ProblemHttpResult>> EnableAsync(string id, IGrainFactory grains) =>
        CallAsync(() => grains.GetGrain<IScheduleGrain>(id).EnableAsync());

    private static Task<Results<Ok<ScheduleSnapshot>, ProblemHttpResult>> DisableAsync(string id, IGrainFactory grains) =>
        CallAsync(() => grains.GetGrain<IScheduleGrain>(id).DisableAsync());

    private static Task<Results<Ok<ScheduleExecution>, ProblemHttpResult>> TriggerAsync(string id, IGrainFactory grains) =>
        CallAsync(() => grains.GetGrain<IScheduleGrain>(id).TriggerAsync());

    private static async Task<Results<Ok<IReadOnlyList<ScheduleExecution>>, ProblemHttpResult>> GetExecutionsAsync(
        string id, string? limit, IGrainFactory grains)
    {
        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return badLimit;
        }

        return await CallAsync(() => grains.GetGrain<IScheduleGrain>(id).GetExecutionsAsync(size));
    }

    private static async Task<Results<Ok<IReadOnlyList<DateTimeOffset>>, ProblemHttpResult>> PreviewAsync(
        string id, string? count, IGrainFactory grains)
    {
        if (QueryParameters.TryInt(count, nameof(count), 1, MaxPreview, 10, out var size) is { } badCount)
        {
            return badCount;
        }

        return await CallAsync(() => grains.GetGrain<IScheduleGrain>(id).PreviewAsync(size));
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (Exception e) when (ScheduleProblems.ToProblem(e) is { } mapped)
        {
            return mapped;
        }
    }

    internal static ProblemHttpResult NotFound(string id) => ApiProblems.NotFound($"Schedule '{id}' does not exist.", "id");
}
