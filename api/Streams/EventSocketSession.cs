using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Api.Streams;

/// <summary>Runs one accepted socket: what the server sends (<c>produce</c>) alongside what the client sends, until
/// either ends, then a bounded closing handshake. Nothing a client sends or does ends in an unhandled exception: bad
/// messages get an error message (and, for binary, oversized or non-UTF-8 messages, a close with the matching
/// status); failures inside the server close with <c>1011</c> and the reason.</summary>
internal static partial class EventSocketSession
{
    /// <summary>Runs <paramref name="produce"/> while <paramref name="onMessage"/> handles each text message from the
    /// client (by default: an error saying the stream takes none).</summary>
    public static async Task RunAsync(
        EventSocket socket, ILogger logger, int maxMessageBytes, Func<EventSocket, Task> produce, Func<EventSocket, string, Task>? onMessage = null)
    {
        var reader = ReadClientAsync(socket, logger, maxMessageBytes, onMessage ?? RefuseAsync);
        try
        {
            await produce(socket);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "end of stream");
        }
        catch (SubscriberTooSlowException e)
        {
            LogTooSlow(logger, socket.Id, socket.Route, e.Message);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The socket is closing (client, shutdown or a cut-off subscriber) or the client vanished.
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "closing");
        }
        catch (Exception e)
        {
            LogFailed(logger, e, socket.Id, socket.Route);
            await socket.CloseAsync(WebSocketCloseStatus.InternalServerError, "server error", SocketMessages.Error(e.Message, "Server error"));
        }

        await socket.WaitForClientAsync(reader);
        await reader;
    }

    /// <summary>Sends an error message, unless the socket is already closing.</summary>
    public static Task TrySendErrorAsync(EventSocket socket, string error, string message = "Invalid message") =>
        TrySendAsync(socket, SocketMessages.Error(error, message));

    /// <summary>Sends a message, unless the socket is already closing.</summary>
    public static async Task TrySendAsync(EventSocket socket, JsonNode message)
    {
        try
        {
            await socket.SendAsync(message);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closing already; the close says enough.
        }
    }

    private static Task RefuseAsync(EventSocket socket, string text) =>
        TrySendErrorAsync(socket, "this stream takes no messages from the client; it only sends");

    private static async Task ReadClientAsync(EventSocket socket, ILogger logger, int maxMessageBytes, Func<EventSocket, string, Task> onMessage)
    {
        try
        {
            while (true)
            {
                var message = await socket.ReceiveAsync(maxMessageBytes);
                switch (message.Kind)
                {
                    case ReceivedMessageKind.Closed:
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "closed by the client");
                        return;
                    case ReceivedMessageKind.Binary:
                        await socket.CloseAsync(WebSocketCloseStatus.InvalidMessageType, "binary messages are not supported",
                            SocketMessages.Error("binary messages are not supported; send JSON text", "Invalid message"));
                        break;
                    case ReceivedMessageKind.TooBig:
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"message larger than {maxMessageBytes} bytes",
                            SocketMessages.Error($"the message is larger than {maxMessageBytes} bytes", "Invalid message"));
                        break;
                    case ReceivedMessageKind.InvalidText:
                        await socket.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "message is not valid UTF-8",
                            SocketMessages.Error("the message is not valid UTF-8", "Invalid message"));
                        break;
                    default:
                        if (!socket.IsClosing)
                        {
                            await onMessage(socket, message.Text!);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "closing");
        }
        catch (Exception e)
        {
            LogFailed(logger, e, socket.Id, socket.Route);
            await socket.CloseAsync(WebSocketCloseStatus.InternalServerError, "server error", SocketMessages.Error(e.Message, "Server error"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket {SocketId} on {Route} was cut off: {Reason}")]
    private static partial void LogTooSlow(ILogger logger, long socketId, string route, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "WebSocket {SocketId} on {Route} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long socketId, string route);
}
