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

    public int GatewayPort { get; } = SiloProcess.FreePort();

    public Uri Url { get; } = new($"http://127.0.0.1:{SiloProcess.FreePort()}");

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public HttpClient Http { get; private set; } = null!;

    public OrchestratorRestClient Rest { get; private set; } = null!;

    internal SiloProcess Silo => _silo!;

    public async Task InitializeAsync()
    {
        _silo = SiloProcess.Start(_directory.Path, "--urls", Url.ToString().TrimEnd('/'), "--data-dir", Path.Combine(_directory.Path, "data"),
            "--gateway-port", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        await _silo.WaitUntilHealthyAsync(Http);
        Rest = new OrchestratorRestClient(Http);
        await Rest.PutWorkflowAsync(Quick);
        await Rest.PutWorkflowAsync(Slow);
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        Http?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
