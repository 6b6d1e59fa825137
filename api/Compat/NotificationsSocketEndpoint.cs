using System.Net.WebSockets;
using Orchestrator.Api.Streams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 004's <c>WS /ws</c>: <c>connected</c> on open, then the notifications the session subscribed to
/// (<c>execution_started</c>, <c>execution_completed</c>, <c>execution_failed</c>, <c>execution_cancelled</c>,
/// <c>error_recorded</c>, <c>error_updated</c>), and <c>server_shutdown</c> before a graceful stop.</summary>
internal static class NotificationsSocketEndpoint
{
    public const string Route = "/ws";

    public static async Task<IResult> HandleAsync(
        HttpContext context, NotificationHub hub, EventSocketRegistry sockets, IOptions<WebSocketStreamOptions> options,
        TimeProvider clock, ILoggerFactory loggers)
    {
        if (!WebSocketRequests.IsWebSocketRequest(context))
        {
            return WebSocketRejections.NotAWebSocket(Route);
        }

        await using var socket = await sockets.AcceptAsync(context, Route);
        var session = new NotificationSession(socket, Math.Max(1, options.Value.MaxBufferedEvents), clock);
        try
        {
            // Before anything else is read or sent, so that `connected` is always the first message.
            await socket.SendAsync(SeedMessages.Connected(session.SessionId, clock.GetUtcNow()));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return Results.Empty;
        }

        await hub.AddAsync(session);
        try
        {
            await EventSocketSession.RunAsync(socket, loggers.CreateLogger(typeof(NotificationsSocketEndpoint)), options.Value.MaxMessageBytes,
                _ => session.PumpAsync(), session.HandleAsync);
        }
        finally
        {
            hub.Remove(session);
        }

        return Results.Empty;
    }
}
