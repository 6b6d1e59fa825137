using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Api.Streams;

/// <summary>One accepted WebSocket: one send at a time, messages read with a size limit, and a bounded closing
/// handshake. <see cref="Stopping"/> tells the code feeding the socket to stop (the client left, the server is shutting
/// down, or the subscriber fell too far behind).</summary>
internal sealed partial class EventSocket : IAsyncDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly WebSocket _socket;
    private readonly EventSocketRegistry _registry;
    private readonly WebSocketStreamOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _receiveBuffer = new byte[4096];
    // Cancelled when the client's connection is gone.
    private readonly CancellationToken _disconnected;
    private Task? _close;

    public EventSocket(
        long id, string route, WebSocket socket, EventSocketRegistry registry, WebSocketStreamOptions options, ILogger logger, CancellationToken disconnected)
    {
        Id = id;
        Route = route;
        _socket = socket;
        _disconnected = disconnected;
        _registry = registry;
        _options = options;
        _logger = logger;
    }

    public long Id { get; }

    /// <summary>The route template the socket was opened on (for logs).</summary>
    public string Route { get; }

    /// <summary>Cancelled once the socket is closing: whatever feeds it should stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>True once a close has started (by either side, or by the server's shutdown).</summary>
    public bool IsClosing => Volatile.Read(ref _close) is not null;

    /// <summary>Sends one JSON message. Throws <see cref="OperationCanceledException"/> once the socket is closing.</summary>
    public Task SendAsync(JsonNode message) => SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, StreamJson.Options));

    /// <summary>Sends one UTF-8 JSON text message. Throws <see cref="OperationCanceledException"/> once the socket is
    /// closing.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> utf8Json)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (IsClosing || _socket.State != WebSocketState.Open)
            {
                throw new OperationCanceledException("The WebSocket is closing.", _stopping.Token);
            }

            await _socket.SendAsync(utf8Json, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads the next message, refusing (without reading it to the end) one larger than
    /// <paramref name="maxBytes"/>.</summary>
    public async Task<ReceivedMessage> ReceiveAsync(int maxBytes)
    {
        using var text = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(), CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection ended, or broke the protocol (a text frame that is not UTF-8, say), which the runtime
                // answers with a close frame and an abort.
                if (e is WebSocketException && _socket.State == WebSocketState.Aborted && !IsClosing)
                {
                    await AwaitDisconnectAsync();
                }

                return new ReceivedMessage(ReceivedMessageKind.Closed);
            }

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return new ReceivedMessage(ReceivedMessageKind.Closed);
                case WebSocketMessageType.Binary:
                    return new ReceivedMessage(ReceivedMessageKind.Binary);
            }

            if (text.Length + result.Count > maxBytes)
            {
                return new ReceivedMessage(ReceivedMessageKind.TooBig);
            }

            text.Write(_receiveBuffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                try
                {
                    return new ReceivedMessage(ReceivedMessageKind.Text, StrictUtf8.GetString(text.GetBuffer(), 0, (int)text.Length));
                }
                catch (DecoderFallbackException)
                {
                    return new ReceivedMessage(ReceivedMessageKind.InvalidText);
                }
            }
        }
    }

    /// <summary>Waits, for at most <see cref="WebSocketStreamOptions.CloseTimeout"/>, until the client hangs up. Ending
    /// the request at once drops the connection under the client, and the reset can overtake the close frame the client
    /// has not read yet.</summary>
    private async Task AwaitDisconnectAsync()
    {
        try
        {
            await Task.Delay(_options.CloseTimeout, _disconnected);
        }
        catch (OperationCanceledException)
        {
            // The client hung up.
        }
    }

    /// <summary>Closes the socket (the first call decides how; later calls wait for that close): sends
    /// <paramref name="lastMessage"/> if given, then a close frame. A send stuck behind a client that does not read is
    /// waited for at most <see cref="WebSocketStreamOptions.CloseTimeout"/>, then the connection is aborted.</summary>
    public Task CloseAsync(WebSocketCloseStatus status, string reason, JsonNode? lastMessage = null) =>
        CloseAsync(status, reason, lastMessage, _options.CloseTimeout);

    private Task CloseAsync(WebSocketCloseStatus status, string reason, JsonNode? lastMessage, TimeSpan bound)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _close, done.Task, null) is { } started)
        {
            return started;
        }

        _ = CloseCoreAsync(status, reason, lastMessage, bound, done);
        return done.Task;
    }

    /// <summary>Closes the socket because it fell behind: the close starts at once (nothing more is queued for it),
    /// and a socket still stuck after <see cref="WebSocketStreamOptions.SlowSubscriberGrace"/> is aborted.</summary>
    public void CloseTooSlow(string reason) =>
        _ = CloseAsync(WebSocketCloseStatus.PolicyViolation, reason, null, _options.SlowSubscriberGrace);

    private async Task CloseCoreAsync(WebSocketCloseStatus status, string reason, JsonNode? lastMessage, TimeSpan bound, TaskCompletionSource done)
    {
        try
        {
            await _stopping.CancelAsync();
            if (!await _sendLock.WaitAsync(bound))
            {
                LogAbortedStuck(_logger, Id, Route, reason);
                _socket.Abort();
                return;
            }

            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(bound);
                    if (lastMessage is not null && _socket.State == WebSocketState.Open)
                    {
                        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(lastMessage, StreamJson.Options), WebSocketMessageType.Text, true, timeout.Token);
                    }

                    await _socket.CloseOutputAsync(status, Truncate(reason), timeout.Token);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or stuck; there is nobody left to tell.
            _socket.Abort();
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>Waits (bounded) for the client to answer the close, by way of the task that reads from it.</summary>
    public async Task WaitForClientAsync(Task reader)
    {
        if (await Task.WhenAny(reader, Task.Delay(_options.CloseTimeout)) != reader)
        {
            _socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registry.Remove(this);
        if (Volatile.Read(ref _close) is { } close)
        {
            await close;
        }

        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }

        _socket.Dispose();
        _stopping.Dispose();
        _sendLock.Dispose();
    }

    // A close reason is at most 123 bytes of UTF-8.
    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
        {
            return reason;
        }

        var cut = reason[..Math.Min(reason.Length, 120)];
        while (Encoding.UTF8.GetByteCount(cut) > 120)
        {
            cut = cut[..^1];
        }

        return cut + "...";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket {SocketId} on {Route} was aborted: it did not take its close ({Reason}) in time")]
    private static partial void LogAbortedStuck(ILogger logger, long socketId, string route, string reason);
}
