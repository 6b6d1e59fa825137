using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Streams;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>The silo in the test process on a real Kestrel server on a free loopback port (real sockets, so that a
/// client that stops reading really pushes back), with the WebSocket limits a test needs.</summary>
public sealed class KestrelSilo : IAsyncLifetime, IAsyncDisposable
{
    private readonly SiloApiFactory _factory;

    public KestrelSilo()
        : this(null)
    {
    }

    private KestrelSilo(
        Action<WebSocketStreamOptions>? configure, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var port = SiloProcess.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _factory = new SiloApiFactory
        {
            Settings = settings ?? new Dictionary<string, string>(),
            TestServices = collection =>
            {
                if (configure is not null)
                {
                    collection.Configure(configure);
                }

                services?.Invoke(collection);
            },
        };
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<KestrelSilo> StartAsync(Action<WebSocketStreamOptions> configure)
    {
        var silo = new KestrelSilo(configure);
        await silo.InitializeAsync();
        return silo;
    }

    /// <summary>A silo started with extra settings (as its command line would give them).</summary>
    public static async Task<KestrelSilo> StartAsync(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null)
    {
        var silo = new KestrelSilo(null, settings, services);
        await silo.InitializeAsync();
        return silo;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Opens a WebSocket to <paramref name="pathAndQuery"/>; <paramref name="socketReceiveBuffer"/> caps the
    /// client's TCP receive buffer (so that a client that stops reading pushes back early, whatever the machine's
    /// autotuning allows).</summary>
    public async Task<SocketClient> ConnectAsync(string pathAndQuery, int? socketReceiveBuffer = null)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri(new Uri($"ws://{BaseAddress.Authority}/"), pathAndQuery);
        using var timeout = new CancellationTokenSource(SocketClient.DefaultBound);
        if (socketReceiveBuffer is not { } size)
        {
            await socket.ConnectAsync(uri, timeout.Token);
            return new SocketClient(socket);
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        return new SocketClient(socket);
    }

    public async Task InitializeAsync()
    {
        _factory.StartServer();
        using var client = CreateClient();
        for (var attempt = 0; attempt < 150; attempt++)
        {
            using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail("the in-process silo on Kestrel did not become healthy");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
