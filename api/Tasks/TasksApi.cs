using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Orchestrator.Definitions;
using Orchestrator.Tasks;
using Orleans;

namespace Orchestrator.Api.Tasks;

/// <summary><c>/api/tasks</c> and <c>/api/workers</c>: remote workers claim the tasks of <c>worker</c> nodes (a long
/// poll), send heartbeats, and complete or fail them; queues and live workers are listed.</summary>
public static class TasksApi
{
    /// <summary>The longest a claim may wait for a task.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private const int MaxWorkerName = 200;

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/tasks").WithTags("tasks");
        group.MapGet("", ListAsync).WithName("ListTaskQueues")
            .WithSummary("Task queues with their pending and claimed tasks (?queue= for one).")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapPost("/{queue}/claim", ClaimAsync).WithName("ClaimTask")
            .WithSummary("Claims the task of the queue that has been ready longest; body {worker, wait?}. 204 when none came within wait (at most 60s).")
            .DescribesBody<ClaimTaskRequest>(required: true, JsonBody.Expected)
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems([.. ProblemResponses.BodyProblems])
            .WithMetadata(new AuditExemption("an empty long poll changes nothing", StatusCodes.Status204NoContent))
            .Operator();
        group.MapPost("/{taskId}/heartbeat", HeartbeatAsync).WithName("HeartbeatTask")
            .WithSummary("Keeps a claimed task alive; body {details?}. Answers {cancelRequested}: true when the run or node was cancelled.")
            .DescribesBody<TaskHeartbeatRequest>(required: false, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .WithMetadata(new AuditExemption("a heartbeat only keeps a claim alive"))
            .Operator();
        group.MapPost("/{taskId}/complete", CompleteAsync).WithName("CompleteTask")
            .WithSummary("Completes a claimed task; body {output}, the node's output. 409 when the claim was taken over or the task ended.")
            .DescribesBody<CompleteTaskRequest>(required: false, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        group.MapPost("/{taskId}/fail", FailAsync).WithName("FailTask")
            .WithSummary("Fails a claimed task; body {error}. The node's retry policy decides what follows.")
            .DescribesBody<FailTaskRequest>(required: true, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        app.MapGet($"{ApiEndpoints.Prefix}/workers", ListWorkersAsync).WithName("ListWorkers").WithTags("tasks")
            .WithSummary("Live workers (seen in the last minute, or holding a task): last heartbeat and tasks in hand (?queue= for one queue's).")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        return app;
    }

    private static async Task<Results<Ok<TaskQueueList>, ProblemHttpResult>> ListAsync(string? queue, IGrainFactory grains)
    {
        if (BadQueue(queue, nameof(queue)) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new TaskQueueList(await SnapshotsAsync(queue, grains)));
    }

    private static async Task<Results<Ok<WorkerList>, ProblemHttpResult>> ListWorkersAsync(string? queue, IGrainFactory grains)
    {
        if (BadQueue(queue, nameof(queue)) is { } problem)
        {
            return problem;
        }

        var workers = (await SnapshotsAsync(queue, grains))
            .SelectMany(snapshot => snapshot.Workers)
            .GroupBy(worker => worker.Worker, StringComparer.Ordinal)
            .Select(seen => new WorkerSummary
            {
                Worker = seen.Key,
                Queues = [.. seen.SelectMany(w => w.Queues).Order(StringComparer.Ordinal)],
                LastSeenAt = seen.Max(w => w.LastSeenAt),
                LastHeartbeatAt = seen.Max(w => w.LastHeartbeatAt),
                Tasks = [.. seen.SelectMany(w => w.Tasks)],
            })
            .OrderBy(worker => worker.Worker, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new WorkerList(workers));
    }

    private static async Task<IReadOnlyList<TaskQueueSnapshot>> SnapshotsAsync(string? queue, IGrainFactory grains)
    {
        IReadOnlyList<string> names = string.IsNullOrEmpty(queue)
            ? await grains.GetGrain<ITaskQueueDirectoryGrain>(ITaskQueueDirectoryGrain.Key).ListAsync()
            : [queue];
        return await Task.WhenAll(names.Select(name => grains.GetGrain<ITaskQueueGrain>(name).GetAsync()));
    }

    private static async Task<Results<Ok<TaskClaim>, NoContent, ProblemHttpResult>> ClaimAsync(
        string queue, HttpRequest http, IGrainFactory grains, TaskReadySignals signals, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (BadQueue(queue, nameof(queue)) is { } badQueue)
        {
            return badQueue;
        }

        var (request, problem) = await JsonBody.ReadAsync<ClaimTaskRequest>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.Worker) || request.Worker.Length > MaxWorkerName)
        {
            return ApiProblems.BadRequest("worker", $"worker must name the claiming worker (1 to {MaxWorkerName} characters)");
        }

        if (QueryParameters.TryDuration(request.Wait, "wait", TimeSpan.Zero, MaxWait, TimeSpan.Zero, out var wait) is { } badWait)
        {
            return badWait;
        }

        var grain = grains.GetGrain<ITaskQueueGrain>(queue);
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var ready = await signals.NextAsync(queue);
            if (await grain.TryClaimAsync(request.Worker) is { } claim)
            {
                return TypedResults.Ok(claim);
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return TypedResults.NoContent();
            }

            try
            {
                await ready.WaitAsync(left < TaskReadySignals.Recheck ? left : TaskReadySignals.Recheck, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Try again: an announcement may have been missed, or the wait is over.
            }
            catch (OperationCanceledException)
            {
                return TypedResults.NoContent();
            }
        }
    }

    private static async Task<Results<Ok<TaskHeartbeatReply>, ProblemHttpResult>> HeartbeatAsync(
        string taskId, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<TaskHeartbeatRequest>(http, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!TaskIds.TryParse(taskId, out var queue, out _))
        {
            return UnknownTask(taskId);
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<ITaskQueueGrain>(queue).HeartbeatAsync(taskId, request?.Details));
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, nameof(taskId)) is { } mapped)
        {
            return mapped;
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CompleteAsync(
        string taskId, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CompleteTaskRequest>(http, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await EndAsync(taskId, grains, queue => queue.CompleteAsync(taskId, request?.Output));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> FailAsync(
        string taskId, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<FailTaskRequest>(http, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.Error))
        {
            return ApiProblems.BadRequest("error", "error must say what went wrong");
        }

        return await EndAsync(taskId, grains, queue => queue.FailAsync(taskId, request.Error));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(string taskId, IGrainFactory grains, Func<ITaskQueueGrain, Task> end)
    {
        if (!TaskIds.TryParse(taskId, out var queue, out _))
        {
            return UnknownTask(taskId);
        }

        try
        {
            await end(grains.GetGrain<ITaskQueueGrain>(queue));
            return TypedResults.NoContent();
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, nameof(taskId)) is { } mapped)
        {
            return mapped;
        }
    }

    private static ProblemHttpResult UnknownTask(string taskId) =>
        ApiProblems.NotFound($"'{taskId}' is not a task id (task ids are '<queue>:<number>').", nameof(taskId));

    private static ProblemHttpResult? BadQueue(string? queue, string field) =>
        queue is null || queue.Length == 0 || QueueNames.IsValid(queue)
            ? null
            : ApiProblems.BadRequest(field, $"'{queue}' is not a queue name: 1 to 100 characters of a-z, 0-9, '.', '_' and '-'");
}
