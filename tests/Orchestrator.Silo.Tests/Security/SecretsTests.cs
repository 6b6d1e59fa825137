using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Security;

/// <summary><c>${secret.NAME}</c> from --secrets-dir: it reaches the shell program and the HTTP server, and appears
/// nowhere the orchestrator keeps or shows (the run, its events, error records, the definition, metrics, its log).</summary>
public sealed class SecretsTests : IAsyncLifetime
{
    private const string Value = "s3cr3t-value-7f2c";
    private readonly TemporaryDirectory _dir = new();
    private readonly CapturedLogs _logs = new();
    private KestrelSilo _silo = null!;
    private WebApplication _server = null!;
    private int _serverPort;
    private string? _received;

    public async Task InitializeAsync()
    {
        var secrets = Path.Combine(_dir.Path, "secrets");
        Directory.CreateDirectory(secrets);
        await File.WriteAllTextAsync(Path.Combine(secrets, "TOKEN"), Value + "\n");
        _serverPort = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _serverPort));
        _server = builder.Build();
        _server.MapGet("/headers", (HttpRequest request) =>
        {
            _received = request.Headers.Authorization.ToString();
            return Results.Json(new { authorization = _received });
        });
        await _server.StartAsync();
        _silo = await KestrelSilo.StartAsync(
            new Dictionary<string, string> { ["SecretsDir"] = secrets, ["Logging:LogLevel:Default"] = "Debug" },
            services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    [Fact]
    public async Task ASecret_ReachesShellAndHttp_ButAppearsNowhereTheOrchestratorShows()
    {
        using var http = _silo.CreateClient();
        var closedPort = SiloProcess.FreePort();
        using var stored = await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent($$"""
            name: uses-secret
            nodes:
              call: { type: http, method: GET, url: 'http://127.0.0.1:{{_serverPort}}/headers', headers: { Authorization: 'Bearer ${secret.TOKEN}' } }
              echo: { type: shell, command: [/bin/echo, 'token=${secret.TOKEN}'], dependsOn: [call] }
              leak: { type: http, method: GET, url: 'http://127.0.0.1:{{closedPort}}/${secret.TOKEN}', retry: { maxAttempts: 1 }, dependsOn: [echo] }
            """, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        using var started = await http.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "uses-secret" });
        var run = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        var runId = run["runId"]!.GetValue<string>();

        var shown = new Dictionary<string, string>
        {
            ["run"] = await http.GetStringAsync(new Uri($"/api/runs/{runId}", UriKind.Relative)),
            ["events"] = await http.GetStringAsync(new Uri($"/api/runs/{runId}/events", UriKind.Relative)),
            ["errors"] = await http.GetStringAsync(new Uri("/api/errors?workflow=uses-secret", UriKind.Relative)),
            ["error record"] = await http.GetStringAsync(new Uri($"/api/errors/{runId}.leak.1", UriKind.Relative)),
            ["definition"] = await http.GetStringAsync(new Uri("/api/workflows/uses-secret", UriKind.Relative)),
            ["metrics"] = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
        };

        Assert.Equal($"Bearer {Value}", _received);
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal("Bearer ***", run["nodes"]!["call"]!["output"]!["body"]!["authorization"]!.GetValue<string>());
        Assert.Equal("token=***", run["nodes"]!["echo"]!["output"]!["stdout"]!.GetValue<string>().Trim());
        Assert.Contains("***", run["nodes"]!["leak"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(shown, page => Assert.False(page.Value.Contains(Value, StringComparison.Ordinal), $"the secret shows in {page.Key}"));
        // The silo's own log, at every level: the failed attempt's error is logged, and the secret is not in it.
        Assert.Contains("leak", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AreRefusedOutsideShellAndHttpNodes_AndAMissingOneFailsTheNodeByName()
    {
        using var http = _silo.CreateClient();

        using var inSet = await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            "name: secret-in-set\nnodes:\n  a: { type: set, values: { copy: 'secret.TOKEN' } }\n", Encoding.UTF8, "application/yaml"));
        using var inLog = await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            "name: secret-in-log\nnodes:\n  a: { type: log, message: 'token ${secret.TOKEN}' }\n", Encoding.UTF8, "application/yaml"));
        await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            "name: secret-missing\nnodes:\n  a: { type: shell, command: [/bin/echo, '${secret.NOT_THERE}'], retry: { maxAttempts: 1 } }\n", Encoding.UTF8, "application/yaml"));
        using var started = await http.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "secret-missing" });
        var missing = (await started.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, inSet.StatusCode);
        Assert.Contains("nodes.a.values", await inSet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inLog.StatusCode);
        Assert.Contains("nodes.a.message", await inLog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("failed", missing["status"]!.GetValue<string>());
        Assert.Contains("secret 'NOT_THERE' is not set", missing["nodes"]!["a"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
