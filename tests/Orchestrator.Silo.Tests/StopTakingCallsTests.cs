using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Silo.Tests;

public sealed class StopTakingCallsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ApiCall_Returns503Problem_WhenHostIsStopping()
    {
        var gate = new StopGate();
        await using var factory = new SiloApiFactory { Storage = "memory", TestServices = s => s.AddSingleton<IHostedService>(gate) };
        using var client = factory.CreateClient();
        using (var before = await client.GetAsync(new Uri("/api/workflows/no-such-workflow", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        try
        {
            factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await gate.Reached.WaitAsync(Bound);

            using var response = await client.GetAsync(new Uri("/api/workflows/no-such-workflow", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("stopping", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            gate.Release();
        }
    }

    [Fact]
    public async Task Health_Returns503Stopping_WhenHostIsStopping()
    {
        var gate = new StopGate();
        await using var factory = new SiloApiFactory { Storage = "memory", TestServices = s => s.AddSingleton<IHostedService>(gate) };
        using var client = factory.CreateClient();
        try
        {
            factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await gate.Reached.WaitAsync(Bound);

            using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = body.RootElement;
            Assert.Equal("stopping", root.GetProperty("status").GetString());
            Assert.Equal("The silo is stopping.", root.GetProperty("reason").GetString());
            Assert.Equal("stopping", root.GetProperty("silo").GetProperty("status").GetString());
            Assert.Equal("ok", root.GetProperty("storage").GetProperty("status").GetString());
        }
        finally
        {
            gate.Release();
        }
    }
}
