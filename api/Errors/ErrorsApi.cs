using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Errors;
using Orchestrator.Queries;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Errors;

/// <summary><c>/api/errors</c>: list error records and act on them (retry, resolve, ignore, escalate). Seed 004's
/// <c>/api/errors/errors</c> (in <c>Compat/</c>) makes the same grain calls through <see cref="MapActions"/> and
/// <see cref="QueryAsync"/>.</summary>
public static class ErrorsApi
{
    /// <summary>Who acted, when a request does not say.</summary>
    public const string DefaultActor = "api";

    public static IEndpointRouteBuilder MapErrorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/errors").WithTags("errors");
        group.MapGet("", ListAsync).WithName("ListErrors").WithSummary("Error records, newest first, paged; optionally in one recovery status (?status=) and of one workflow.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/{id}", GetAsync).WithName("GetError").WithSummary("An error record with its history.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        MapActions(group, "");
        return app;
    }

    /// <summary>Maps <c>POST {id}/retry|resolve|ignore|escalate</c> on <paramref name="group"/>; endpoint names end with
    /// <paramref name="nameSuffix"/>.</summary>
    internal static void MapActions(RouteGroupBuilder group, string nameSuffix)
    {
        foreach (var action in Enum.GetValues<ErrorActionKind>())
        {
            var verb = action.ToString().ToLowerInvariant();
            group.MapPost($"/{{id}}/{verb}", (string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken) =>
                    ActAsync(action, id, http, grains, cancellationToken))
                .WithName($"{action}Error{nameSuffix}")
                .WithSummary($"Applies '{verb}' to an error record; body {{by?, reason?}} (by defaults to \"{DefaultActor}\").")
                .DescribesBody<ErrorActionRequest>(required: false, JsonBody.Expected)
                .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        }
    }

    private static async Task<Results<Ok<Page<ErrorRecordSummary>>, ProblemHttpResult>> ListAsync(
        string? status, string? workflow, string? limit, string? cursor, IGrainFactory grains)
    {
        var (page, problem) = await QueryAsync(status, nameof(status), workflow, limit, cursor, grains);
        return problem is null ? TypedResults.Ok(page!) : problem;
    }

    /// <summary>A page of error records in one recovery status (named <paramref name="statusName"/> in problems), or the
    /// problem with the query.</summary>
    internal static async Task<(Page<ErrorRecordSummary>? Page, ProblemHttpResult? Problem)> QueryAsync(
        string? status, string statusName, string? workflow, string? limit, string? cursor, IGrainFactory grains)
    {
        if (QueryParameters.TryEnum<ErrorRecoveryStatus>(status, statusName, out var recoveryStatus) is { } badStatus)
        {
            return (null, badStatus);
        }

        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return (null, badLimit);
        }

        try
        {
            var filter = string.IsNullOrEmpty(workflow) ? null : workflow;
            return (await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListErrorsAsync(filter, recoveryStatus, size, cursor), null);
        }
        catch (ArgumentException)
        {
            return (null, ApiProblems.BadRequest(nameof(cursor), $"cursor '{cursor}' is not a cursor returned by a listing"));
        }
    }

    private static async Task<Results<Ok<ErrorRecordSnapshot>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var record = await grains.GetGrain<IErrorRecordGrain>(id).GetAsync();
        return record is null ? ApiProblems.NotFound($"Error record '{id}' does not exist.", "id") : TypedResults.Ok(record);
    }

    private static async Task<Results<Ok<ErrorRecordSnapshot>, ProblemHttpResult>> ActAsync(
        ErrorActionKind action, string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<ErrorActionRequest>(http, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var by = request?.By;
        if (by is not null && string.IsNullOrWhiteSpace(by))
        {
            return ApiProblems.BadRequest("by", "by must name who acts when given");
        }

        by ??= DefaultActor;
        var reason = request?.Reason;
        var record = grains.GetGrain<IErrorRecordGrain>(id);
        try
        {
            return TypedResults.Ok(action switch
            {
                ErrorActionKind.Retry => await record.RetryAsync(by, reason),
                ErrorActionKind.Resolve => await record.ResolveAsync(by, reason),
                ErrorActionKind.Ignore => await record.IgnoreAsync(by, reason),
                _ => await record.EscalateAsync(by, reason),
            });
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } mapped)
        {
            return mapped;
        }
    }
}
