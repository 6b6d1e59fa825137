using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>A test's end of a WebSocket (a real <see cref="ClientWebSocket"/> or the test server's): send text or
/// bytes, receive JSON messages with a bound, read to the close.</summary>
public sealed class SocketClient(WebSocket socket) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(30);

    public WebSocket Socket => socket;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseDescription => socket.CloseStatusDescription;

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(JsonNode message) => SendAsync(message.ToJsonString());

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type, bool endOfMessage = true)
    {
        using var timeout = new CancellationTokenSource(DefaultBound);
        await socket.SendAsync(bytes, type, endOfMessage, timeout.Token);
    }

    /// <summary>The next message as JSON; fails when the socket closes first or nothing comes within the bound.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? bound = null)
    {
        var text = await ReceiveTextAsync(bound ?? DefaultBound);
        Assert.True(text is not null, $"the socket closed ({CloseStatus} {CloseDescription}) instead of sending a message");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>Messages until one satisfies <paramref name="last"/> (included).</summary>
    public async Task<List<JsonObject>> ReceiveUntilAsync(Func<JsonObject, bool> last, TimeSpan? bound = null)
    {
        var messages = new List<JsonObject>();
        using var timeout = new CancellationTokenSource(bound ?? DefaultBound);
        while (true)
        {
            var message = await ReceiveAsync(bound);
            messages.Add(message);
            if (last(message))
            {
                return messages;
            }

            Assert.False(timeout.IsCancellationRequested, $"no matching message within the bound; got {messages.Count}");
        }
    }

    /// <summary>Every message until the server closes, and answers the close.</summary>
    public async Task<List<JsonObject>> ReceiveUntilClosedAsync(TimeSpan? bound = null)
    {
        var messages = new List<JsonObject>();
        while (await ReceiveTextAsync(bound ?? DefaultBound) is { } text)
        {
            messages.Add((JsonObject)JsonNode.Parse(text)!);
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server went first.
            }
        }

        socket.Dispose();
    }

    /// <summary>The next text message, or null once the server closed (the close is answered).</summary>
    private async Task<string?> ReceiveTextAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        using var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"nothing arrived within {bound}");
                throw;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    try
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }
                    catch (WebSocketException)
                    {
                        // The server closed the connection right after its close frame (a protocol error does that).
                    }
                }

                return null;
            }

            text.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(text.ToArray());
            }
        }
    }
}
