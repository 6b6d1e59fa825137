using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Runs;

namespace Orchestrator.Cluster.Tests.InProcess;

/// <summary>The engine's main scenarios on three silos sharing one PostgreSQL database for state, reminders, queues and
/// membership, with runs living on other silos than the one that started them.</summary>
public sealed class PostgresClusterEngineTests(PostgresEngineCluster cluster) : IClassFixture<PostgresEngineCluster>
{
    [Fact]
    public async Task Membership_IsInTheDatabase_WithEverySiloActive()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT silo_name FROM cluster_members WHERE status = 3 ORDER BY silo_name", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var active = new List<string>();
        while (await reader.ReadAsync())
        {
            active.Add(reader.GetString(0));
        }

        Assert.Equal(PostgresEngineCluster.Silos, active.Count);
    }

    [Fact]
    public async Task DagWithFanOut_CompletesEveryRun_WhereverItLives()
    {
        await cluster.PutAsync("""
            name: pg-fanout
            nodes:
              square: { type: set, forEach: "input.numbers", merge: false, values: { n: "item", square: "item * item" } }
              total: { type: set, dependsOn: [square], values: { count: "len(nodes.square.output)", last: "nodes.square.output[-1].square" } }
            """);

        var runs = await Task.WhenAll(Enumerable.Range(1, 15).Select(async i =>
            await cluster.WaitForEndAsync(await cluster.StartRunAsync("pg-fanout", new JsonObject { ["numbers"] = new JsonArray(1, 2, 3, i) }))));

        Assert.All(runs, run => Assert.Equal(RunStatus.Completed, run.Status));
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (double)(i * i)), runs.Select(run => Number(run.State["last"])));
        var silosWithRuns = cluster.Silo.SiloServices.Count(services =>
            services.GetRequiredService<IGrainStatistics>().GetByGrainType().Any(s => s.GrainType == "run" && s.Calls > 0));
        Assert.True(silosWithRuns >= 2, $"runs lived on {silosWithRuns} of {PostgresEngineCluster.Silos} silos");
    }

    [Fact]
    public async Task GraphWithACycle_GoesRoundUntilItsConditionHolds()
    {
        await cluster.PutAsync("""
            name: pg-cycle
            entry: bump
            maxIterations: 5
            nodes:
              bump: { type: set, values: { n: "default(state.n, 0) + 1" } }
            edges:
              - { from: bump, to: END, when: "state.n >= 3" }
              - { from: bump, to: bump }
            """);

        var run = await cluster.WaitForEndAsync(await cluster.StartRunAsync("pg-cycle"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, Number(run.State["n"]));
        Assert.Equal(3, run.Nodes["bump"].Iterations);
    }

    [Fact]
    public async Task Retries_WithBackoff_SucceedOnTheThirdAttempt()
    {
        await cluster.PutAsync("""
            name: pg-retry
            nodes:
              call: { type: fail, times: 2, retry: { maxAttempts: 3, initialDelay: 100ms, multiplier: 2 } }
            """);

        var run = await cluster.WaitForEndAsync(await cluster.StartRunAsync("pg-retry"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, run.Nodes["call"].Attempts);
        var delays = cluster.Events.Of(run.RunId).Where(e => e.Type == RunEventTypes.NodeRetryScheduled).Select(e => e.Data!["delayMs"]!.GetValue<long>());
        Assert.Equal([100L, 200L], delays);
    }

    [Fact]
    public async Task ErrorRecord_RetriedByHand_LetsTheRunFinish()
    {
        await cluster.PutAsync("""
            name: pg-broken
            nodes:
              call:  { type: fail, times: 1, message: "service down", retry: { maxAttempts: 1 } }
              after: { type: set, values: { after: "nodes.call.output.attempt" }, dependsOn: [call] }
            """);
        var run = await cluster.WaitForEndAsync(await cluster.StartRunAsync("pg-broken"));
        Assert.Equal(RunStatus.Failed, run.Status);

        var retrying = await cluster.Grains.GetGrain<IErrorRecordGrain>($"{run.RunId}.call.1").RetryAsync("alice", "service is back");
        Assert.Equal(ErrorRecoveryStatus.Retrying, retrying.RecoveryStatus);
        await cluster.Events.WaitAsync(run.RunId, e => e.Type == RunEventTypes.RunCompleted);

        var finished = await cluster.Run(run.RunId).GetAsync();
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal("2", finished.State["after"]!.ToJsonString());
    }

    [Fact]
    public async Task TwoLoopsJoinedByAQueue_PassEveryMessageAlong()
    {
        await cluster.PutAsync("""
            name: pg-loops
            loops:
              source:
                producer: { type: interval, every: 20ms }
                chain: [ { node: push } ]
              sink:
                producer: { type: queue, queue: pg-readings }
                chain: [ { node: keep } ]
            nodes:
              push: { type: queue.push, queue: pg-readings, value: "${iteration}" }
              keep: { type: set, values: { last: "data" } }
            """);
        var runId = await cluster.StartRunAsync("pg-loops");

        var sink = await EventuallyAsync(() => cluster.Grains.GetGrain<ILoopGrain>(LoopIds.For(runId, "sink")).GetAsync(), loop => loop.Completed >= 20);
        await cluster.Run(runId).CancelAsync("done");

        Assert.Equal(0, sink.Errors);
        Assert.Equal(0, sink.DuplicatesDropped);
        Assert.True(Number(sink.Nodes["keep"].LastOutput!["last"]) >= 20);
    }

    /// <summary>A number of a run's state: read on the silo that holds it, an integer stays the long the engine made.</summary>
    private static double Number(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads the loop until it matches, for at most 60 s: loops announce no event for their counters.</summary>
    private static async Task<LoopSnapshot> EventuallyAsync(Func<Task<LoopSnapshot>> read, Func<LoopSnapshot, bool> match)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        LoopSnapshot? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                last = await read();
                if (match(last))
                {
                    return last;
                }
            }
            catch (KeyNotFoundException)
            {
                // Not started yet: the run starts its loops right after its first write.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"The loop never matched; last seen: {last}");
        return last!;
    }
}
