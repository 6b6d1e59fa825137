using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Streams;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 000's <c>WS /ws/results/{run_id}</c>: the run's <c>task_started</c> and <c>task_completed</c> (with
/// <c>result</c>) from its start, whenever the client connects, then <c>workflow_completed</c> (with
/// <c>results</c>) — or <c>workflow_failed</c> — and the server closes.</summary>
internal static class TaskResultsSocketEndpoint
{
    public const string Route = "/ws/results/{run_id}";

    public static async Task<IResult> HandleAsync(
        HttpContext context, [FromRoute(Name = "run_id")] string runId, IGrainFactory grains, RunEventFeed feed,
        EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers)
    {
        if (!WebSocketRequests.IsWebSocketRequest(context))
        {
            return WebSocketRejections.NotAWebSocket(Route);
        }

        var run = grains.GetGrain<IRunGrain>(runId);
        try
        {
            await run.GetAsync();
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (SiloUnavailableException e)
        {
            return WebSocketRejections.Unavailable(e.Message);
        }

        await using var socket = await sockets.AcceptAsync(context, Route);
        await using var subscription = await feed.SubscribeAsync(runId, socket.CloseTooSlow);
        await EventSocketSession.RunAsync(socket, loggers.CreateLogger(typeof(TaskResultsSocketEndpoint)), options.Value.MaxMessageBytes, async s =>
        {
            await foreach (var runEvent in subscription.ReadAsync(0, s.Stopping))
            {
                if (RunEventTypes.IsTerminal(runEvent.Type))
                {
                    await s.SendAsync(SeedMessages.WorkflowFinished(await run.GetAsync()));
                    return;
                }

                if (SeedMessages.TaskEvent(runEvent) is { } message)
                {
                    await s.SendAsync(message);
                }
            }
        });
        return Results.Empty;
    }
}
