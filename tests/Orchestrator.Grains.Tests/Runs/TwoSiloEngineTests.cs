using System.Text.Json.Nodes;
using Orchestrator.Errors;
using Orchestrator.Grains.Tests.Loops;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>Two silos of one in-process cluster over one store, shared by these tests.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    internal EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EngineHost.StartAsync(silos: 2);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The engine's main scenarios on two silos: runs, sub-grains and loops land on either silo, so calls (and the
/// records they carry) cross between them, through the cluster client and silo to silo.</summary>
public sealed class TwoSiloEngineTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private EngineHost Host => cluster.Host;

    [Fact]
    public async Task DagWithFanOut_CompletesEveryRun_OnEitherSilo()
    {
        await Host.PutAsync("""
            name: two-silo-fanout
            nodes:
              square: { type: set, forEach: "input.numbers", merge: false, values: { n: "item", square: "item * item" } }
              total: { type: set, dependsOn: [square], values: { count: "len(nodes.square.output)", last: "nodes.square.output[-1].square" } }
            """);

        var runs = await Task.WhenAll(Enumerable.Range(1, 12).Select(async i =>
        {
            var started = await Host.StartRunAsync("two-silo-fanout", new JsonObject { ["numbers"] = new JsonArray(1, 2, 3, i) });
            return await Host.WaitForEndAsync(started.RunId);
        }));

        Assert.All(runs, run => Assert.Equal(RunStatus.Completed, run.Status));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i * i), runs.Select(run => run.State["last"]!.GetValue<int>()));
        AssertBothSilosRan("run");
    }

    [Fact]
    public async Task GraphWithACycle_GoesRoundUntilItsConditionHolds()
    {
        await Host.PutAsync("""
            name: two-silo-cycle
            entry: bump
            maxIterations: 5
            nodes:
              bump: { type: set, values: { n: "default(state.n, 0) + 1" } }
            edges:
              - { from: bump, to: END, when: "state.n >= 3" }
              - { from: bump, to: bump }
            """);

        var run = await Host.WaitForEndAsync((await Host.StartRunAsync("two-silo-cycle")).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, run.State["n"]!.GetValue<int>());
        Assert.Equal(3, run.Nodes["bump"].Iterations);
    }

    [Fact]
    public async Task Retries_WithBackoff_SucceedOnTheThirdAttempt()
    {
        await Host.PutAsync("""
            name: two-silo-retry
            nodes:
              call: { type: fail, times: 2, retry: { maxAttempts: 3, initialDelay: 100ms, multiplier: 2 } }
            """);

        var run = await Host.WaitForEndAsync((await Host.StartRunAsync("two-silo-retry")).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, run.Nodes["call"].Attempts);
        var delays = Host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeRetryScheduled).Select(e => e.Data!["delayMs"]!.GetValue<long>());
        Assert.Equal([100L, 200L], delays);
    }

    [Fact]
    public async Task ErrorRecord_RetriedByHand_LetsTheRunFinish()
    {
        await Host.PutAsync("""
            name: two-silo-broken
            nodes:
              call:  { type: fail, times: 1, message: "service down", retry: { maxAttempts: 1 } }
              after: { type: set, values: { after: "nodes.call.output.attempt" }, dependsOn: [call] }
            """);
        var run = await Host.WaitForEndAsync((await Host.StartRunAsync("two-silo-broken")).RunId);
        Assert.Equal(RunStatus.Failed, run.Status);

        var retrying = await Host.Error($"{run.RunId}.call.1").RetryAsync("alice", "service is back");
        Assert.Equal(ErrorRecoveryStatus.Retrying, retrying.RecoveryStatus);
        await Host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.RunCompleted);

        var finished = await Host.Run(run.RunId).GetAsync();
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal("2", finished.State["after"]!.ToJsonString());
    }

    [Fact]
    public async Task TwoLoopsJoinedByAQueue_PassEveryMessageAlong()
    {
        var runId = await Host.StartAsync("""
            name: two-silo-loops
            loops:
              source:
                producer: { type: interval, every: 20ms }
                chain: [ { node: push } ]
              sink:
                producer: { type: queue, queue: two-silo-readings }
                chain: [ { node: keep } ]
            nodes:
              push: { type: queue.push, queue: two-silo-readings, value: "${iteration}" }
              keep: { type: set, values: { last: "data" } }
            """);

        var sink = await Host.WaitForLoopAsync(runId, "sink", loop => loop.Completed >= 20);
        await Host.Run(runId).CancelAsync("done");

        Assert.Equal(0, sink.Errors);
        Assert.Equal(0, sink.DuplicatesDropped);
        Assert.True(sink.Nodes["keep"].LastOutput!["last"]!.GetValue<long>() >= 20);
    }

    /// <summary>Grains of this type were called on both silos.</summary>
    [Fact]
    public async Task WorkerTasks_OfRunsOnEitherSilo_AreClaimedAndCompletedThroughTheirQueue()
    {
        await Host.PutAsync("""
            name: two-silo-worker
            nodes:
              work: { type: worker, queue: two-silo-tasks, input: "${input.n}" }
            """);
        var started = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Host.StartRunAsync("two-silo-worker", new JsonObject { ["n"] = i })));
        var queue = Host.Grains.GetGrain<Orchestrator.Tasks.ITaskQueueGrain>("two-silo-tasks");

        var claims = new List<Orchestrator.Tasks.TaskClaim>();
        for (var i = 0; claims.Count < started.Length; i++)
        {
            Assert.True(i < 1500, $"only {claims.Count} of {started.Length} tasks were queued");
            if (await queue.TryClaimAsync("tester") is { } claim)
            {
                claims.Add(claim);
            }
            else
            {
                await Task.Delay(20);
            }
        }

        await Task.WhenAll(claims.Select(claim => queue.CompleteAsync(claim.TaskId, new JsonObject { ["doubled"] = claim.Input!.GetValue<int>() * 2 })));
        var runs = await Task.WhenAll(started.Select(run => Host.WaitForEndAsync(run.RunId)));

        Assert.All(runs, run => Assert.Equal(RunStatus.Completed, run.Status));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => i * 2), runs.Select(run => run.State["doubled"]!.GetValue<int>()));
        Assert.Empty((await queue.GetAsync()).Tasks);
        AssertBothSilosRan("run");
    }

    private void AssertBothSilosRan(string grainType) =>
        Assert.All(Host.Silo.SiloServices, services =>
            Assert.Contains(services.GetRequiredService<IGrainStatistics>().GetByGrainType(), s => s.GrainType == grainType && s.Calls > 0));
}
