using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Orchestrator.Cli;

namespace Orchestrator.Silo.Tests.Cli;

/// <summary>The tool's key against a real local HTTP server that demands one: sent as a bearer token from
/// <c>--api-key</c> or <c>ORCHESTRATOR_API_KEY</c>; a refused key (401) or role (403) exits 3.</summary>
public sealed class CliCredentialsTests : IAsyncLifetime
{
    private WebApplication? _server;

    private Uri Address { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var port = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _server = builder.Build();
        _server.MapGet("/api/health", (HttpRequest request) => request.Headers.Authorization.ToString() switch
        {
            "Bearer admin-key" => Results.Json(new { status = "healthy" }),
            "Bearer viewer-key" => Results.Problem(statusCode: 403, title: "Forbidden", detail: "the key's role is too low"),
            _ => Results.Problem(statusCode: 401, title: "Unauthorized", detail: "no key, or an unknown one"),
        });
        await _server.StartAsync();
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    private async Task<(int ExitCode, string Error)> RunAsync(string? environmentKey, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = CliConsole.Plain(output, error, name => name switch
        {
            "ORCHESTRATOR_URL" => Address.ToString(),
            "ORCHESTRATOR_API_KEY" => environmentKey,
            _ => null,
        });
        return (await CliApp.RunAsync(args, console), error.ToString());
    }

    [Fact]
    public async Task Key_IsSentAsABearerToken_FromTheOptionOrTheEnvironment_AndRefusalsExitThree()
    {
        var fromOption = await RunAsync(null, "health", "--api-key", "admin-key");
        var fromEnvironment = await RunAsync("admin-key", "health");
        var optionWins = await RunAsync("viewer-key", "--api-key", "admin-key", "health");
        var none = await RunAsync(null, "health");
        var tooLow = await RunAsync("viewer-key", "health");

        Assert.Equal(0, fromOption.ExitCode);
        Assert.Equal(0, fromEnvironment.ExitCode);
        Assert.Equal(0, optionWins.ExitCode);
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("401", none.Error, StringComparison.Ordinal);
        Assert.Equal(3, tooLow.ExitCode);
        Assert.Contains("403", tooLow.Error, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
