using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Loops;
using Orchestrator.Queries;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;
using Orchestrator.Api.Security;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Api.Loops;

/// <summary><c>/api/loops</c>: the loops of runs with their live counters, pausing, resuming and stopping them, and
/// their logs. A loop's id is <c>{runId}:{loop}</c> (the colon may be sent as <c>%3A</c>).</summary>
public static class LoopsApi
{
    public static IEndpointRouteBuilder MapLoopsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/loops").WithTags("loops");
        group.MapGet("", ListAsync).WithName("ListLoops")
            .WithSummary("Loops, newest first, paged, with live counters; optionally of one run (?runId=) and in one state (?state=).")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Viewer();
        group.MapGet("/{id}", GetAsync).WithName("GetLoop").WithSummary("A loop ({runId}:{loop}): state, counters, node health.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        group.MapPost("/{id}/pause", PauseAsync).WithName("PauseLoop")
            .WithSummary("Pauses a loop: no new iteration starts; the one under way finishes. Body {reason?} optional.")
            .DescribesBody<LoopActionRequest>(required: false, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        group.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeLoop").WithSummary("Resumes a paused loop.")
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .Operator();
        group.MapPost("/{id}/stop", StopAsync).WithName("StopLoop")
            .WithSummary("Stops a loop for good: the iteration under way is cancelled and its queue subscription removed. Body {reason?} optional.")
            .DescribesBody<LoopActionRequest>(required: false, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        group.MapGet("/{id}/logs", GetLogsAsync).WithName("GetLoopLogs")
            .WithSummary("The loop's log, oldest first, optionally of one ?node=: with ?after=seq the lines after it (paging forward), without it the latest; at most ?limit= lines (default 100, at most 1000).")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        group.MapGet("/{id}/history", GetHistoryAsync).WithName("GetLoopHistory")
            .WithSummary("The loop's state, iterations, iterations per second and errors, sampled every 10 s cluster-wide while it runs or is paused, kept 24 h: the samples of the last ?window= (default 1h, at most 24h), oldest first.")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Viewer();
        return app;
    }

    private static async Task<Results<Ok<Page<LoopSnapshot>>, ProblemHttpResult>> ListAsync(
        string? runId, string? state, string? limit, string? cursor, IGrainFactory grains)
    {
        if (QueryParameters.TryEnum<LoopStatus>(state, nameof(state), out var loopState) is { } badState)
        {
            return badState;
        }

        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return badLimit;
        }

        Page<LoopSummary> page;
        try
        {
            var run = string.IsNullOrEmpty(runId) ? null : runId;
            page = await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListLoopsAsync(run, loopState, size, cursor);
        }
        catch (ArgumentException)
        {
            return ApiProblems.BadRequest(nameof(cursor), $"cursor '{cursor}' is not a cursor returned by a listing");
        }

        // The view row is written with the loop's state, so its grain knows it; the grain has the live counters.
        var loops = await Task.WhenAll(page.Items.Select(summary => grains.GetGrain<ILoopGrain>(summary.Id).GetAsync()));
        return TypedResults.Ok(new Page<LoopSnapshot>(loops, page.Cursor));
    }

    private static Task<Results<Ok<LoopSnapshot>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        CallAsync(id, grains, loop => loop.GetAsync());

    private static async Task<Results<Ok<LoopSnapshot>, ProblemHttpResult>> PauseAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<LoopActionRequest>(http, required: false, cancellationToken);
        return problem ?? await CallAsync(id, grains, loop => loop.PauseAsync(request?.Reason));
    }

    private static Task<Results<Ok<LoopSnapshot>, ProblemHttpResult>> ResumeAsync(string id, IGrainFactory grains) =>
        CallAsync(id, grains, loop => loop.ResumeAsync());

    private static async Task<Results<Ok<LoopSnapshot>, ProblemHttpResult>> StopAsync(
        string id, HttpRequest http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<LoopActionRequest>(http, required: false, cancellationToken);
        return problem ?? await CallAsync(id, grains, loop => loop.StopAsync(request?.Reason));
    }

    private static async Task<Results<Ok<LoopLogList>, ProblemHttpResult>> GetLogsAsync(
        string id, string? node, string? after, string? limit, IGrainFactory grains)
    {
        if (QueryParameters.TryLong(after, nameof(after), 0, long.MaxValue, 0, out var afterSeq) is { } badAfter)
        {
            return badAfter;
        }

        // With ?after=, lines after it, oldest first (paging forward); without, the latest lines (a tail).
        long? from = after is null ? null : afterSeq;

        if (QueryParameters.TryInt(limit, nameof(limit), 1, RequestLimits.MaxEntries, RequestLimits.DefaultEntries, out var maxCount) is { } badLimit)
        {
            return badLimit;
        }

        var query = new LoopLogQuery { Node = string.IsNullOrEmpty(node) ? null : node, AfterSeq = from, Limit = maxCount };
        return await CallAsync(id, grains, async loop => new LoopLogList(await loop.GetLogsAsync(query)));
    }

    private static async Task<Results<Ok<LoopHistory>, ProblemHttpResult>> GetHistoryAsync(
        string id, string? window, IGrainFactory grains, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock)
    {
        if (TimeWindows.TrySince(window, TimeWindows.LongestHistory, clock, out var since, out _) is { } badWindow)
        {
            return badWindow;
        }

        // The loop's grain says whether it exists; the samples are read from storage.
        return await CallAsync(id, grains, async loop =>
        {
            await loop.GetAsync();
            return new LoopHistory(id, since, await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).LoopHistoryAsync(id, since));
        });
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> CallAsync<T>(
        string id, IGrainFactory grains, Func<ILoopGrain, Task<T>> call)
    {
        // A key that is not {runId}:{loop} never names a loop: answered without activating a grain for it.
        if (!LoopIds.TryParse(id, out _, out _))
        {
            return NotALoop(id);
        }

        try
        {
            return TypedResults.Ok(await call(grains.GetGrain<ILoopGrain>(id)));
        }
        catch (Exception e) when (GrainErrors.ToProblem(e, "id") is { } problem)
        {
            return problem;
        }
    }

    private static ProblemHttpResult NotALoop(string id) =>
        ApiProblems.NotFound($"Loop '{id}' does not exist: a loop's id is {{runId}}:{{loop}}.", "id");
}
