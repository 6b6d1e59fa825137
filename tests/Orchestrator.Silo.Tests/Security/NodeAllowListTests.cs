using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>A silo process listening beyond loopback: shell nodes run only programs --shell-allow names, and outbound
/// calls refuse internal addresses (metadata, loopback) unless --http-allow names them. A real local HTTP server stands
/// in for an internal service.</summary>
public sealed class NodeAllowListTests : IAsyncLifetime
{
    private const string Key = "admin-key-for-allow-lists";
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _dir = new();
    private WebApplication? _internal;
    private int _internalCalls;
    private int _internalPort;

    public async Task InitializeAsync()
    {
        _internalPort = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _internalPort));
        _internal = builder.Build();
        _internal.MapGet("/secret", () =>
        {
            Interlocked.Increment(ref _internalCalls);
            return Results.Json(new { secret = "internal" });
        });
        await _internal.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "keys"), $"admin {Key}\n");
    }

    private readonly List<IDisposable> _started = [];

    /// <summary>A silo process bound to every interface, healthy, and a client that sends the admin key.</summary>
    private async Task<HttpClient> StartAsync(params string[] extra)
    {
        var port = SiloProcess.FreePort();
        var silo = SiloProcess.Start(_dir.Path, ["--urls", $"http://0.0.0.0:{port}", "--storage", "memory", "--api-keys-file", Path.Combine(_dir.Path, "keys"), .. extra]);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        _started.Add(silo);
        _started.Add(http);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        await silo.WaitUntilHealthyAsync(http);
        return http;
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient http, string yaml) =>
        await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));

    private static async Task<JsonObject> RunAsync(HttpClient http, string workflow)
    {
        using var started = await http.PostAsJsonAsync(new Uri("/api/runs?wait=true&timeout=60s", UriKind.Relative), new { workflow });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task BeyondLoopback_ShellRunsOnlyAllowedPrograms_AndCallsRefuseInternalAddresses()
    {
        var http = await StartAsync("--shell-allow", "/bin/echo");

        using var refusedShell = await PutAsync(http, "name: shell-sh\nnodes:\n  a: { type: shell, command: [/bin/sh, -c, 'id'] }\n");
        using var allowedShell = await PutAsync(http, "name: shell-echo\nnodes:\n  a: { type: shell, command: [/bin/echo, hi] }\n");
        await PutAsync(http, "name: metadata\nnodes:\n  a: { type: http, method: GET, url: 'http://169.254.169.254/latest/meta-data/', retry: { maxAttempts: 1 } }\n");
        await PutAsync(http, $"name: internal\nnodes:\n  a: {{ type: http, method: GET, url: 'http://127.0.0.1:{_internalPort}/secret', retry: {{ maxAttempts: 1 }} }}\n");
        var echo = await RunAsync(http, "shell-echo");
        var metadata = await RunAsync(http, "metadata");
        var internalCall = await RunAsync(http, "internal");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedShell.StatusCode);
        var problem = (await refusedShell.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray().Single()!;
        Assert.Equal("nodes.a.command[0]", problem["path"]!.GetValue<string>());
        Assert.Contains("/bin/echo", problem["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowedShell.StatusCode);
        Assert.Equal("completed", echo["status"]!.GetValue<string>());
        Assert.Equal("failed", metadata["status"]!.GetValue<string>());
        Assert.Contains("internal address", metadata["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("failed", internalCall["status"]!.GetValue<string>());
        Assert.Equal(0, Volatile.Read(ref _internalCalls));
    }

    [Fact]
    public async Task BeyondLoopback_WithoutShellAllow_ShellNodesAreRefused_AndHttpAllowOpensANamedAddress()
    {
        var http = await StartAsync("--http-allow", "127.0.0.1/32");

        using var refusedShell = await PutAsync(http, "name: any-shell\nnodes:\n  a: { type: shell, command: [/bin/echo, hi] }\n");
        await PutAsync(http, $"name: allowed-internal\nnodes:\n  a: {{ type: http, method: GET, url: 'http://127.0.0.1:{_internalPort}/secret' }}\n");
        var allowed = await RunAsync(http, "allowed-internal");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedShell.StatusCode);
        var problem = (await refusedShell.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray().Single()!;
        Assert.Equal("nodes.a.type", problem["path"]!.GetValue<string>());
        Assert.Contains("--shell-allow", problem["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("completed", allowed["status"]!.GetValue<string>());
        Assert.Equal("internal", allowed["nodes"]!["a"]!["output"]!["body"]!["secret"]!.GetValue<string>());
        Assert.Equal(1, Volatile.Read(ref _internalCalls));
    }

    public async Task DisposeAsync()
    {
        _started.ForEach(d => d.Dispose());
        if (_internal is not null)
        {
            await _internal.DisposeAsync();
        }

        _dir.Dispose();
    }
}
