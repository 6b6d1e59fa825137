using System.Net;
using System.Net.Sockets;
using Orchestrator.Client.Rest;
using Orchestrator.Runs;
using Orchestrator.Silo.Tests.Streams;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Cli;

/// <summary>The REST client's run event socket (what <c>--watch</c> and <c>run events --follow</c> read) through a TCP
/// relay that the test cuts mid-run: the socket is opened again from the last event seen, so every event arrives once,
/// in order.</summary>
public sealed class RunEventSocketReconnectTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    [Fact]
    public async Task DroppedSocket_IsOpenedAgain_AndEveryEventArrivesOnceInOrder()
    {
        await using var relay = TcpRelay.Start(silo.BaseAddress);
        using var http = new HttpClient { BaseAddress = relay.BaseAddress };
        var client = new OrchestratorRestClient(http);
        var name = UniqueName("socket-drop");
        await client.PutWorkflowAsync($$"""
            name: {{name}}
            nodes:
              first:  { type: delay, duration: 300ms }
              second: { type: delay, duration: 300ms, dependsOn: [first] }
              third:  { type: set, values: { done: "true" }, dependsOn: [second] }
            """);
        var run = await client.StartRunAsync(name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var events = new List<RunEvent>();
        var reconnects = 0;
        await foreach (var runEvent in client.WatchRunEventsAsync(run.RunId, 0, _ => reconnects++, timeout.Token))
        {
            events.Add(runEvent);
            if (events.Count == 3)
            {
                relay.CutAll();
            }
        }

        var logged = await client.GetRunEventsAsync(run.RunId, 0, 1000, timeout.Token);
        Assert.True(reconnects >= 1, "the relay cut the socket, so the client must have opened it again");
        Assert.Equal(logged.Select(e => e.Seq), events.Select(e => e.Seq));
        Assert.Equal(RunEventTypes.RunCompleted, events[^1].Type);
    }

    /// <summary>Relays TCP connections from a loopback port to the silo, and can cut every open one.</summary>
    private sealed class TcpRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _open = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly DnsEndPoint _target;
        private Task _accepting = Task.CompletedTask;

        private TcpRelay(Uri target) => _target = new DnsEndPoint(target.Host, target.Port);

        public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public static TcpRelay Start(Uri target)
        {
            var relay = new TcpRelay(target);
            relay._listener.Start();
            relay._accepting = relay.AcceptAsync();
            return relay;
        }

        public void CutAll()
        {
            lock (_open)
            {
                foreach (var socket in _open)
                {
                    socket.Close(0);
                }

                _open.Clear();
            }
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket inbound;
                try
                {
                    inbound = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var outbound = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await outbound.ConnectAsync(_target, _stop.Token);
                lock (_open)
                {
                    _open.Add(inbound);
                    _open.Add(outbound);
                }

                _ = PumpAsync(inbound, outbound);
                _ = PumpAsync(outbound, inbound);
            }
        }

        private static async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        break;
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Cut by the test, or closed by the other side.
            }

            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            CutAll();
            _stop.Dispose();
        }
    }
}
