using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Client;
using Orchestrator.Runs;

namespace Orchestrator.Silo.Tests.Client;

/// <summary>The grain client against a silo process: it joins through the gateway and drives runs with typed handles.</summary>
[Collection(nameof(ClientSilo))]
public sealed class GrainClientTests(ClientSiloFixture silo) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private OrchestratorClient _client = null!;

    public async Task InitializeAsync()
    {
        var options = new OrchestratorClientOptions();
        options.Gateways.Add(silo.Gateway);
        _client = await OrchestratorClient.ConnectAsync(options);
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task StartedRun_IsFollowedEventByEvent_AndWaitedFor()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var run = await _client.StartRunAsync("client-quick", new JsonObject { ["n"] = 21 }, cancellationToken: timeout.Token);

        var events = new List<RunEvent>();
        await foreach (var runEvent in run.EventsAsync(cancellationToken: timeout.Token))
        {
            events.Add(runEvent);
        }

        Assert.Equal(RunEventTypes.RunCreated, events[0].Type);
        Assert.Equal(RunEventTypes.RunCompleted, events[^1].Type);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        var finished = await run.WaitAsync(timeout.Token);
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(42, finished.State["doubled"]!.GetValue<int>());
        Assert.Equal("client", finished.TriggeredBy);

        // Following from the middle replays only what came after.
        var tail = new List<RunEvent>();
        await foreach (var runEvent in run.EventsAsync(events[^3].Seq, timeout.Token))
        {
            tail.Add(runEvent);
        }

        Assert.Equal(events[^2..].Select(e => e.Seq), tail.Select(e => e.Seq));
    }

    [Fact]
    public async Task IdempotencyKey_StartsOneRun()
    {
        var first = await _client.StartRunAsync("client-quick", new JsonObject { ["n"] = 1 }, idempotencyKey: "order-17");
        var second = await _client.StartRunAsync("client-quick", new JsonObject { ["n"] = 1 }, idempotencyKey: "order-17");

        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(RunStatus.Completed, (await second.WaitAsync()).Status);
    }

    [Fact]
    public async Task RunningRun_IsPausedResumedSignalledAndCancelled()
    {
        var run = await _client.StartRunAsync("client-slow");

        Assert.Equal(RunStatus.Paused, (await run.PauseAsync()).Status);
        Assert.Equal(RunStatus.Running, (await run.ResumeAsync()).Status);
        var signalled = await run.SignalAsync("approved", JsonValue.Create(true));
        Assert.True(signalled.State["approved"]!.GetValue<bool>());
        await run.CancelAsync("the test is done");

        using var timeout = new CancellationTokenSource(Patience);
        var finished = await run.WaitAsync(timeout.Token);
        Assert.Equal(RunStatus.Cancelled, finished.Status);
        Assert.Equal(finished.Status, (await _client.Run(run.RunId).GetAsync()).Status);
    }

    [Fact]
    public async Task Connect_GivesUpWithAClearError_WhenNoGatewayAnswers()
    {
        var options = new OrchestratorClientOptions { ConnectTimeout = TimeSpan.FromSeconds(3) };
        options.Gateways.Add($"127.0.0.1:{SiloProcess.FreePort()}");

        var error = await Assert.ThrowsAsync<OrchestratorUnavailableException>(() => OrchestratorClient.ConnectAsync(options));

        Assert.Contains("No gateway", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_ClientService_StartsARunAndPrintsItsEventsAndResult()
    {
        var (exitCode, text, error) = await ClientSample.RunAsync(Patience, "--gateway", silo.Gateway, "--workflow", "client-quick", "--input", """{"n": 5}""");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{text}\n{error}");
        Assert.Matches(@"^started run \S+", text);
        Assert.Contains(RunEventTypes.RunCreated, text, StringComparison.Ordinal);
        Assert.Contains($"{RunEventTypes.NodeCompleted} double", text, StringComparison.Ordinal);
        Assert.Matches(@"run \S+ completed", text);
        Assert.Contains("\"doubled\":10", text, StringComparison.Ordinal);
    }
}
