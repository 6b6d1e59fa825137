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
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
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

    [Fact]
    public async Task GracefulStop_StopsTheSilo_BeforeAnyServiceStops_SoTheApiAnswers503MeanwhileInsteadOfClosing()
    {
        var observer = new StopObserver();
        var factory = new SiloApiFactory { Storage = "memory", TestServices = s => s.AddSingleton<IHostedService>(sp => observer.With(sp)) };
        using (var client = factory.CreateClient())
        {
            using var before = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await factory.DisposeAsync();

        // By the time the services are stopped (the web server first, then this observer), the silo has stopped.
        Assert.Equal(Orchestrator.Providers.Hosting.SiloPhase.Stopped, await observer.PhaseAtFirstStop.WaitAsync(Bound));
    }

    /// <summary>Records the silo's phase when the host begins to stop its services.</summary>
    private sealed class StopObserver : IHostedService
    {
        private readonly TaskCompletionSource<Orchestrator.Providers.Hosting.SiloPhase> _phase = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Orchestrator.Providers.Hosting.SiloLifecycle? _lifecycle;

        public Task<Orchestrator.Providers.Hosting.SiloPhase> PhaseAtFirstStop => _phase.Task;

        public StopObserver With(IServiceProvider services)
        {
            // Taken now: the factory stops the host twice, the second time with its services disposed.
            _lifecycle = services.GetRequiredService<Orchestrator.Providers.Hosting.SiloLifecycle>();
            return this;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _phase.TrySetResult(_lifecycle!.Status);
            return Task.CompletedTask;
        }
    }
}
