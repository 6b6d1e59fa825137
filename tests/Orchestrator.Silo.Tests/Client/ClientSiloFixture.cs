using Orchestrator.Client.Rest;

namespace Orchestrator.Silo.Tests.Client;

/// <summary>One silo process (SQLite) with known HTTP and gateway ports, and the workflows the client tests run.</summary>
public sealed class ClientSiloFixture : IAsyncLifetime
{
    public const string Quick = """
        name: client-quick
        nodes:
          double: { type: set, values: { doubled: "input.n * 2" } }
          done: { type: set, dependsOn: [double], values: { message: "'doubled'" } }
        """;

    public const string Slow = """
        name: client-slow
        nodes:
          wait: { type: delay, duration: 60s }
        """;

    private readonly TemporaryDirectory _directory = new();
    private SiloProcess? _silo;

    public int GatewayPort { get; private set; }

    public Uri Url { get; private set; } = null!;

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public HttpClient Http { get; private set; } = null!;

    public OrchestratorRestClient Rest { get; private set; } = null!;

    internal SiloProcess Silo => _silo!;

    public async Task InitializeAsync()
    {
        // A free port can be taken by another test's process before this silo binds it: then try other ports.
        for (var attempt = 1; ; attempt++)
        {
            GatewayPort = SiloProcess.FreePort();
            Url = new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}");
            _silo = SiloProcess.Start(_directory.Path, "--urls", Url.ToString().TrimEnd('/'), "--data-dir", Path.Combine(_directory.Path, "data"),
                "--gateway-port", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Http?.Dispose();
            Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
            if (attempt < 3 && await ExitedOnAPortInUseAsync())
            {
                _silo.Dispose();
                continue;
            }

            await _silo.WaitUntilHealthyAsync(Http);
            break;
        }

        Rest = new OrchestratorRestClient(Http);
        await Rest.PutWorkflowAsync(Quick);
        await Rest.PutWorkflowAsync(Slow);
    }

    /// <summary>Waits until the silo answers or exits; true when it exited because a port was taken.</summary>
    private async Task<bool> ExitedOnAPortInUseAsync()
    {
        for (var i = 0; i < 300 && !_silo!.HasExited; i++)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri("/api/health", UriKind.Relative));
                return false;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        return _silo!.HasExited && (_silo.Output + _silo.Error).Contains("already in use", StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        Http?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The client test classes share one silo process.</summary>
[CollectionDefinition(nameof(ClientSilo))]
public sealed class ClientSilo : ICollectionFixture<ClientSiloFixture>;
