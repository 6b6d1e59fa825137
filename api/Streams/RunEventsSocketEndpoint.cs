using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Problems;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Streams;

/// <summary><c>WS /api/runs/{id}/events?after=n</c>: the run's events after <c>n</c> from its log, then live, as the
/// JSON <c>GET</c> on the same route writes them; the socket stays open after the run ends (a failed run can still be
/// retried from an error record) until the client closes it.</summary>
internal static class RunEventsSocketEndpoint
{
    public const string Route = $"{ApiEndpoints.Prefix}/runs/{{id}}/events";

    public static async Task<IResult> HandleAsync(
        HttpContext context, string id, IGrainFactory grains, RunEventFeed feed, EventSocketRegistry sockets,
        IOptions<WebSocketStreamOptions> options, ILoggerFactory loggers)
    {
        if (!WebSocketRequests.IsWebSocketRequest(context))
        {
            return WebSocketRejections.NotAWebSocket(Route);
        }

        var after = 0L;
        if (context.Request.Query["after"] is { Count: > 0 } text &&
            (!long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return ApiProblems.BadRequest("after", "after must be a whole number, 0 or more");
        }

        try
        {
            await grains.GetGrain<IRunGrain>(id).GetAsync();
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
        await using var subscription = await feed.SubscribeAsync(id, socket.CloseTooSlow);
        await EventSocketSession.RunAsync(socket, loggers.CreateLogger(typeof(RunEventsSocketEndpoint)), options.Value.MaxMessageBytes, async s =>
        {
            await foreach (var runEvent in subscription.ReadAsync(after, s.Stopping))
            {
                await s.SendAsync(StreamJson.Serialize(runEvent));
            }
        });
        return Results.Empty;
    }
}
