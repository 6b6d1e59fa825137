using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Queries;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Workflows;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Runs;

/// <summary><c>/api/runs</c>: start runs (optionally waiting for their end), list and read them and their event logs,
/// and cancel, pause, resume and signal them.</summary>
public static class RunsApi
{
    /// <summary>How long <c>?wait=true</c> waits when the request gives no <c>timeout</c>.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    /// <summary>The longest <c>timeout</c> a waiting start may ask for.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    /// <summary>The longest <c>triggeredBy</c> a start may give.</summary>
    private const int MaxTriggerLength = 200;

    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/runs").WithTags("runs");
        group.MapPost("", StartAsync)
            .WithName("StartRun")
            .WithSummary("Starts a run: 202 {runId}; with ?wait=true, waits (up to ?timeout=, default 60s, at most 10m) and answers 200 with the finished run, or 202 with the run as it is.")
            .DescribesBody<StartRunRequest>(required: true, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity])
            .Operator();
        group.MapGet("", ListAsync).WithName("ListRuns").WithSummary("Runs, newest first, paged; optionally of one workflow, in one status, and started by one trigger (?triggeredBy=api|schedule:<id>|run:<id>|cli|client|…).")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/{id}", GetAsync).WithName("GetRun").WithSummary("A run: status, state, nodes.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{id}/events", GetEventsAsync).WithName("GetRunEvents").WithSummary("The run's event log after ?after=seq, oldest first.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelRun").WithSummary("Cancels a run; cancelling a cancelled run is a no-op.")
            .DescribesBody<CancelRunRequest>(required: false, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity])
            .Operator();
        group.MapPost("/{id}/pause", PauseAsync).WithName("PauseRun").WithSummary("Pauses a running run.")
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .Operator();
        group.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeRun").WithSummary("Resumes a paused run.")
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .Operator();
        group.MapPost("/{id}/signal", SignalAsync).WithName("SignalRun").WithSummary("Merges {name, data} into a run's state.")
            .DescribesBody<SignalRunRequest>(required: true, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity])
            .Operator();
        return app;
    }

    private static async Task<Results<Accepted<StartRunResponse>, Ok<RunSnapshot>, Accepted<RunSnapshot>, ProblemHttpResult>> StartAsync(
        string? wait, string? timeout, HttpRequest http, IGrainFactory grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (QueryParameters.TryBool(wait, nameof(wait), out var waitForEnd) is { } badWait)
        {
            return badWait;
        }

        if (QueryParameters.TryDuration(timeout, nameof(timeout), TimeSpan.FromMilliseconds(1), MaxWait, DefaultWait, out var bound) is { } badTimeout)
        {
            return badTimeout;
        }

        var (request, problem) = await JsonBody.ReadAsync<StartRunRequest>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.Workflow))
        {
            return ApiProblems.BadRequest("workflow", "workflow is required");
        }

        if (request.Version is < 1)
        {
            return ApiProblems.BadRequest("version", "version must be 1 or more");
        }

        if (request.IdempotencyKey is { Length: 0 })
        {
            return ApiProblems.BadRequest("idempotencyKey", "idempotencyKey must not be empty when given");
        }

        if (request.TriggeredBy is { } trigger && (trigger.Length is 0 or > MaxTriggerLength || trigger.Any(char.IsControl)))
        {
            return ApiProblems.BadRequest("triggeredBy", $"triggeredBy must be 1 to {MaxTriggerLength} characters without control characters when given");
        }

        if (request.Input is { } input && input is not JsonObject)
        {
            // The input is merged over the definition's state, which is an object: anything else would be dropped.
            return ApiProblems.Unprocessable("input", $"input must be a JSON object (its properties are merged into the run's state), not {input.GetValueKind().ToString().ToLowerInvariant()}");
        }

        var runId = request.IdempotencyKey is { } key ? RunIds.ForIdempotencyKey(request.Workflow, key) : RunIds.New(clock);
        var command = new StartRun
        {
            Workflow = request.Workflow,
            Version = request.Version,
            Input = request.Input,
            IdempotencyKey = request.IdempotencyKey,
            TriggeredBy = request.TriggeredBy,
            TraceParent = RequestTrace.TraceParent(),
        };
        var location = $"{ApiEndpoints.Prefix}/runs/{runId}";
        try
        {
            if (!waitForEnd)
            {
                var started = await grains.GetGrainByKey<IRunGrain>(runId).StartAsync(command);
                return TypedResults.Accepted(location, new StartRunResponse(started.RunId));
            }

            var grain = grains.GetGrainByKey<IRunGrain>(runId);
            var run = await grain.StartAsync(command);
            if (!run.Status.IsFinished())
            {
                // Most short runs end within their start. The watcher reads the run once it listens, so an end between
                // the start's answer and the subscription is not missed.
                await using var watcher = await RunEndWatcher.SubscribeAsync(http.HttpContext.RequestServices, runId);
                using var bounded = new CancellationTokenSource(bound, clock);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(bounded.Token, cancellationToken);
                run = await watcher.WaitAsync(grain, linked.Token);
                if (!run.Status.IsFinished())
                {
                    return TypedResults.Accepted(location, run);
                }
            }

            return TypedResults.Ok(run);
        }
        catch (WorkflowNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message, request.Version is null ? "workflow" : "version");
        }
        catch (Exception e) when (GrainErrors.ToProblem(e) is { } mapped)
        {
            return mapped;
        }
    }

    private static async Task<Results<Ok<Page<RunSummary>>, ProblemHttpResult>> ListAsync(
        string? workflow, string? status, string? triggeredBy, string? limit, string? cursor, IGrainFactory grains)
    {
        if (QueryParameters.TryEnum<RunStatus>(status, nameof(status), out var runStatus) is { } badStatus)
        {
            return badStatus;
        }

        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return badLimit;
        }

        try
        {
            var filter = string.IsNullOrEmpty(workflow) ? null : workflow;
            var trigger = string.IsNullOrEmpty(triggeredBy) ? null : triggeredBy;
            return TypedResults.Ok(await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListRunsAsync(filter, runStatus, size, cursor, trigger));
        }
        catch (ArgumentException)
        {
            return ApiProblems.BadRequest(nameof(cursor), $"cursor '{cursor}' is not a cursor returned by a listing");
        }
    }

    private static async Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        try
        {
            return TypedResults.Ok(await grains.GetGrain<IRunGrain>(id).GetAsync());
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } problem)
        {
            return problem;
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<RunEvent>>, ProblemHttpResult>> GetEventsAsync(
        string id, string? after, string? limit, IGrainFactory grains)
    {
        if (QueryParameters.TryLong(after, nameof(after), 0, long.MaxValue, 0, out var afterSeq) is { } badAfter)
        {
            return badAfter;
        }

        if (QueryParameters.TryInt(limit, nameof(limit), 1, 10_000, 1_000, out var maxCount) is { } badLimit)
        {
            return badLimit;
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<IRunGrain>(id).GetEventsAsync(afterSeq, maxCount));
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } problem)
        {
            return problem;
        }
    }

    private static async Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> CancelAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CancelRunRequest>(http, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var run = grains.GetGrain<IRunGrain>(id);
            var before = await run.GetAsync();
            if (before.Status is RunStatus.Completed or RunStatus.Failed)
            {
                return ApiProblems.Conflict($"Run {id} is {NameOf(before.Status)}; only an unfinished run can be cancelled.");
            }

            return TypedResults.Ok(await run.CancelAsync(request?.Reason ?? "cancelled through the API"));
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } mapped)
        {
            return mapped;
        }
    }

    private static Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> PauseAsync(string id, IGrainFactory grains) =>
        CallAsync(() => grains.GetGrain<IRunGrain>(id).PauseAsync());

    private static Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> ResumeAsync(string id, IGrainFactory grains) =>
        CallAsync(() => grains.GetGrain<IRunGrain>(id).ResumeAsync());

    private static async Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> SignalAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<SignalRunRequest>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = request!.Name ?? "";
        if (name.Length == 0 && request.Data is not JsonObject)
        {
            return ApiProblems.BadRequest("data", "a signal without a name must carry an object in data, whose members are merged into the state");
        }

        return await CallAsync(() => grains.GetGrain<IRunGrain>(id).SignalAsync(name, request.Data));
    }

    private static async Task<Results<Ok<RunSnapshot>, ProblemHttpResult>> CallAsync(Func<Task<RunSnapshot>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } problem)
        {
            return problem;
        }
    }

    private static string NameOf(RunStatus status) => status.ToString().ToLowerInvariant();
}
