using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Client;
using Orchestrator.Client.Rest;
using Orchestrator.Runs;

namespace Orchestrator.Silo.Tests.Client;

/// <summary>The REST client against a silo process: the same operations as the grain client, and problems as typed
/// exceptions.</summary>
[Collection(nameof(ClientSilo))]
public sealed class RestClientTests(ClientSiloFixture silo)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartedRun_IsFollowedAndWaitedFor()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var run = await silo.Rest.StartRunAsync("client-quick", new JsonObject { ["n"] = 4 }, cancellationToken: timeout.Token);

        var types = new List<string>();
        await foreach (var runEvent in run.EventsAsync(cancellationToken: timeout.Token))
        {
            types.Add(runEvent.Type);
        }

        Assert.Equal(RunEventTypes.RunCreated, types[0]);
        Assert.Equal(RunEventTypes.RunCompleted, types[^1]);
        var finished = await run.WaitAsync(timeout.Token);
        Assert.Equal((RunStatus.Completed, 8, "client"), (finished.Status, finished.State["doubled"]!.GetValue<int>(), finished.TriggeredBy));
    }

    [Fact]
    public async Task RunningRun_IsPausedResumedSignalledAndCancelled()
    {
        var run = await silo.Rest.StartRunAsync("client-slow");

        Assert.Equal(RunStatus.Paused, (await run.PauseAsync()).Status);
        Assert.Equal(RunStatus.Running, (await run.ResumeAsync()).Status);
        Assert.Equal("yes", (await run.SignalAsync(null, new JsonObject { ["answer"] = "yes" })).State["answer"]!.GetValue<string>());
        Assert.Equal(RunStatus.Cancelled, (await run.CancelAsync("done")).Status);
    }

    [Fact]
    public async Task InvalidDefinition_IsATypedProblemWithFieldPaths()
    {
        var error = await Assert.ThrowsAsync<OrchestratorApiException>(() => silo.Rest.PutWorkflowAsync("""
            name: client-broken
            nodes:
              a: { type: set, dependsOn: [missing] }
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains(error.Errors, e => e.Path.StartsWith("nodes.a", StringComparison.Ordinal));
        Assert.NotNull(error.Field);
    }

    [Fact]
    public async Task UnknownRun_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<OrchestratorApiException>(() => silo.Rest.Run("no-such-run").GetAsync());

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailable()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}") };

        await Assert.ThrowsAsync<OrchestratorUnavailableException>(() => new OrchestratorRestClient(http).Run("x").GetAsync());
    }
}
