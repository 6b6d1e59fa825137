using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Orchestrator.Runs;

namespace Orchestrator.Client.Rest;

/// <summary>A run's events pushed over its WebSocket (<c>WS /api/runs/{id}/events?after=n</c>).</summary>
public sealed partial class OrchestratorRestClient
{
    /// <summary>How long <see cref="WatchRunEventsAsync"/> keeps trying to reconnect a dropped socket before it gives up
    /// with <see cref="OrchestratorUnavailableException"/>.</summary>
    public TimeSpan ReconnectFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The run's events after <paramref name="after"/> pushed over its WebSocket: those already recorded, then
    /// the new ones as they happen, ending after the event that ends the run. A socket that drops is opened again with
    /// the last sequence seen, so the events in between are replayed and none is repeated; <paramref name="reconnected"/>
    /// is told each time.</summary>
    public async IAsyncEnumerable<RunEvent> WatchRunEventsAsync(
        string runId, long after = 0, Action<Exception>? reconnected = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var failingSince = (DateTimeOffset?)null;
        var wait = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            using var socket = new ClientWebSocket();
            if (_http.DefaultRequestHeaders.Authorization is { } authorization)
            {
                socket.Options.SetRequestHeader("Authorization", authorization.ToString());
            }

            Exception? dropped = null;
            var connected = new StrongBox<bool>();
            var enumerator = ReadSocketAsync(socket, SocketUri(runId, after), connected, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    RunEvent runEvent;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            dropped = new WebSocketException("the server closed the run's event socket");
                            break;
                        }

                        runEvent = enumerator.Current;
                    }
                    catch (Exception e) when (e is WebSocketException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
                    {
                        dropped = e;
                        break;
                    }

                    if (runEvent.Seq <= after)
                    {
                        continue;
                    }

                    after = runEvent.Seq;
                    yield return runEvent;
                    if (RunEventTypes.IsTerminal(runEvent.Type))
                    {
                        await CloseQuietlyAsync(socket).ConfigureAwait(false);
                        yield break;
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }

            var now = DateTimeOffset.UtcNow;
            if (connected.Value)
            {
                // The socket was open before it dropped: a new outage starts now.
                failingSince = null;
                wait = TimeSpan.FromMilliseconds(100);
            }

            failingSince ??= now;
            if (now - failingSince > ReconnectFor)
            {
                throw new OrchestratorUnavailableException(
                    $"The run's event socket at {_http.BaseAddress} could not be opened again for {ReconnectFor.TotalSeconds:0} s: {dropped!.Message}", dropped);
            }

            reconnected?.Invoke(dropped!);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private Uri SocketUri(string runId, long after)
    {
        var builder = new UriBuilder(new Uri(_http.BaseAddress!, $"api/runs/{Uri.EscapeDataString(runId)}/events?after={after}"));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    private static async IAsyncEnumerable<RunEvent> ReadSocketAsync(
        ClientWebSocket socket, Uri uri, StrongBox<bool> connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        connected.Value = true;
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    yield break;
                }

                buffer.Advance(received.Count);
            }
            while (!received.EndOfMessage);

            yield return JsonSerializer.Deserialize<RunEvent>(buffer.WrittenSpan, Json)
                ?? throw new JsonException("the run's event socket sent null");
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "run ended", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The run has ended and every event was read; a socket that cannot close cleanly changes nothing.
        }
    }
}
