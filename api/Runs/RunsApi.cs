using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Problems;
using Orchestrator.Runs;
using Orchestrator.Runtime;
using Orchestrator.Workflows;

namespace Orchestrator.Api.Runs;

/// <summary><c>/api/runs</c>: start runs, read them and their event logs.</summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/runs").WithTags("runs");
        group.MapPost("/", StartAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/events", GetEventsAsync);
        return app;
    }

    private static async Task<Results<Accepted<StartRunResponse>, ProblemHttpResult>> StartAsync(
        StartRunRequest? request, IGrainFactory grains, TimeProvider clock)
    {
        if (request is null)
        {
            return ApiProblems.BadRequest("body", "the request needs a JSON body {workflow, version?, input?, idempotencyKey?}");
        }

        if (string.IsNullOrWhiteSpace(request.Workflow))
        {
            return ApiProblems.BadRequest("workflow", "workflow is required");
        }

        if (request.Version is < 1)
        {
            return ApiProblems.BadRequest("version", "version must be 1 or more");
        }

        var runId = request.IdempotencyKey is { Length: > 0 } key ? RunIds.ForIdempotencyKey(request.Workflow, key) : RunIds.New(clock);
        try
        {
            var run = await grains.GetGrain<IRunGrain>(runId).StartAsync(new StartRun
            {
                Workflow = request.Workflow,
                Version = request.Version,
                Input = request.Input,
                IdempotencyKey = request.IdempotencyKey,
            });
            return TypedResults.Accepted($"{ApiEndpoints.Prefix}/runs/{run.RunId}", new StartRunResponse(run.RunId));
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        try
        {
            return TypedResults.Ok(await grains.GetGrain<IRunGrain>(id).GetAsync());
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<RunEvent>>, ProblemHttpResult>> GetEventsAsync(string id, long? after, int? limit, IGrainFactory grains)
    {
        if (after is < 0)
        {
            return ApiProblems.BadRequest("after", "after must be 0 or more");
        }

        if (limit is < 1 or > 10_000)
        {
            return ApiProblems.BadRequest("limit", "limit must be between 1 and 10000");
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<IRunGrain>(id).GetEventsAsync(after ?? 0, limit ?? 1000));
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }
}

/// <summary>Body of <c>POST /api/runs</c>.</summary>
public sealed record StartRunRequest(string? Workflow, int? Version, JsonNode? Input, string? IdempotencyKey);

/// <summary>Answer of <c>POST /api/runs</c>.</summary>
public sealed record StartRunResponse(string RunId);
