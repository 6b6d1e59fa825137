using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Streams;

/// <summary>Every open WebSocket of the API, so that a graceful stop can tell each one <c>server_shutdown</c> and close
/// it before the web server stops.</summary>
internal sealed partial class EventSocketRegistry(IOptions<WebSocketStreamOptions> options, TimeProvider clock, ILogger<EventSocketRegistry> logger)
{
    private readonly ConcurrentDictionary<long, EventSocket> _open = new();
    private long _nextId;
    private volatile bool _shuttingDown;

    /// <summary>Accepts the WebSocket handshake of <paramref name="context"/> and tracks the socket until it is
    /// disposed. A socket accepted while the server is stopping is told so and closed at once.</summary>
    public async Task<EventSocket> AcceptAsync(HttpContext context, string route)
    {
        var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new EventSocket(Interlocked.Increment(ref _nextId), route, webSocket, this, options.Value, logger, context.RequestAborted);
        _open[socket.Id] = socket;
        if (_shuttingDown)
        {
            _ = ShutdownAsync(socket);
        }

        return socket;
    }

    public void Remove(EventSocket socket) => _open.TryRemove(socket.Id, out _);

    /// <summary>Sends <c>server_shutdown</c> to every open socket and closes it (<c>1001 EndpointUnavailable</c>),
    /// waiting at most <see cref="WebSocketStreamOptions.CloseTimeout"/> for sockets that are stuck.</summary>
    public void ShutdownAll()
    {
        _shuttingDown = true;
        var sockets = _open.Values.ToList();
        if (sockets.Count == 0)
        {
            return;
        }

        LogShuttingDown(logger, sockets.Count);
        var closes = sockets.Select(ShutdownAsync).ToArray();
        // Runs in the host's ApplicationStopping callback, which is synchronous; the web server stops right after it,
        // so the closes must be on the wire before this returns.
        Task.WaitAll(closes, options.Value.CloseTimeout + TimeSpan.FromSeconds(1));
    }

    private Task ShutdownAsync(EventSocket socket) =>
        socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", new JsonObject
        {
            ["type"] = "server_shutdown",
            ["message"] = "The server is shutting down",
            ["timestamp"] = JsonValue.Create(clock.GetUtcNow()),
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Telling {Count} WebSocket client(s) that the server is shutting down")]
    private static partial void LogShuttingDown(ILogger logger, int count);
}
