using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;
using Orchestrator.Queries;
using Orchestrator.Queues;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Queues;

/// <summary><c>/api/queues</c>: the named queues that connect loops (<c>queue.push</c> → <c>queue</c> producers), with
/// depth, produced, consumed and dead-lettered counts, each consumer's position, and the dead letters.</summary>
public static class QueuesApi
{
    public static IEndpointRouteBuilder MapQueuesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/queues").WithTags("queues");
        group.MapGet("", ListAsync).WithName("ListQueues").WithSummary("Every queue that holds messages or has consumers, by name.").Viewer();
        group.MapGet("/{name}", GetAsync).WithName("GetQueue")
            .WithSummary("A queue: depth, produced, consumed, dead-lettered, capacity, and each consumer's offset and lag.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{name}/dead-letters", GetDeadLettersAsync).WithName("GetQueueDeadLetters")
            .WithSummary("Messages a consumer gave up on, oldest first; at most ?limit= (default 100, at most 1000).")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{name}/history", GetHistoryAsync).WithName("GetQueueHistory")
            .WithSummary("The queue's depth, lag (its slowest consumer's), produced, consumed and dead-lettered, sampled every 10 s cluster-wide and kept 24 h: the samples of the last ?window= (default 1h, at most 24h), oldest first.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        return app;
    }

    private static async Task<Ok<QueueList>> ListAsync(IQueueDirectory queues, CancellationToken cancellationToken) =>
        TypedResults.Ok(new QueueList(await queues.ListAsync(cancellationToken)));

    private static async Task<Results<Ok<QueueInfo>, ProblemHttpResult>> GetAsync(
        string name, IQueueDirectory queues, CancellationToken cancellationToken)
    {
        try
        {
            return await queues.GetAsync(name, cancellationToken) is { } queue ? TypedResults.Ok(queue) : NotFound(name);
        }
        catch (ArgumentException e)
        {
            return ApiProblems.BadRequest("name", e.Message);
        }
    }

    private static async Task<Results<Ok<QueueDeadLetterList>, ProblemHttpResult>> GetDeadLettersAsync(
        string name, string? limit, IQueueDirectory queues, CancellationToken cancellationToken)
    {
        if (QueryParameters.TryInt(limit, nameof(limit), 1, RequestLimits.MaxEntries, RequestLimits.DefaultEntries, out var maxCount) is { } badLimit)
        {
            return badLimit;
        }

        try
        {
            if (await queues.GetAsync(name, cancellationToken) is null)
            {
                return NotFound(name);
            }

            return TypedResults.Ok(new QueueDeadLetterList(await queues.GetDeadLettersAsync(name, maxCount, cancellationToken)));
        }
        catch (ArgumentException e)
        {
            return ApiProblems.BadRequest("name", e.Message);
        }
    }

    private static async Task<Results<Ok<QueueHistory>, ProblemHttpResult>> GetHistoryAsync(
        string name, string? window, IQueueDirectory queues, IGrainFactory grains, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (TimeWindows.TrySince(window, TimeWindows.LongestHistory, clock, out var since, out _) is { } badWindow)
        {
            return badWindow;
        }

        try
        {
            if (await queues.GetAsync(name, cancellationToken) is null)
            {
                return NotFound(name);
            }
        }
        catch (ArgumentException e)
        {
            return ApiProblems.BadRequest("name", e.Message);
        }

        return TypedResults.Ok(new QueueHistory(name, since, await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).QueueHistoryAsync(name, since)));
    }

    private static ProblemHttpResult NotFound(string name) =>
        ApiProblems.NotFound($"Queue '{name}' does not exist: nothing was pushed to it and no loop reads it.", "name");
}
