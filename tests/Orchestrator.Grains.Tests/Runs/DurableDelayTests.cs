using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runs;
using Orchestrator.Testing;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>A <c>delay</c> of a minute or more waits on the run's durable reminder: the run holds no activation while
/// it waits, and the delay ends at the time it was given, whether its run was collected or its silo restarted meanwhile.</summary>
public sealed class DurableDelayTests
{
    private const string LongWait = """
        name: long-wait
        nodes:
          wait: { type: delay, duration: 1h }
          after: { type: set, values: { done: "true" }, dependsOn: [wait] }
        """;

    [Fact]
    public async Task ALongDelay_RegistersAReminder_AndItsRunIsCollectedWhileItWaits_ThenEndsOnTime()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock,
            silo: builder => builder.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromMilliseconds(200)));
        await host.PutAsync(LongWait);
        var startedAt = clock.GetUtcNow();

        var run = await host.StartRunAsync("long-wait");

        Assert.Equal(NodeStatus.Running, run.Nodes["wait"].Status);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), run.Nodes["wait"].WaitsUntil);
        var reminders = host.Silo.Services.GetRequiredService<IReminderTable>();
        var rows = await reminders.ReadRows(GrainId.Create("run", run.RunId));
        Assert.Equal(["delays"], rows.Reminders.Select(r => r.ReminderName));

        // Nothing is in flight: the run is collected like any idle grain.
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(0, await RunActivationsAsync(management));

        // Activated again before its time (by a read), it goes on waiting for the same end: not an interrupted attempt.
        clock.Advance(TimeSpan.FromMinutes(30));
        var meanwhile = await host.Run(run.RunId).GetAsync();
        Assert.Equal(NodeStatus.Running, meanwhile.Nodes["wait"].Status);
        Assert.Equal(1, meanwhile.Nodes["wait"].Attempts);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), meanwhile.Nodes["wait"].WaitsUntil);

        clock.Advance(TimeSpan.FromMinutes(30));
        var finished = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(1, finished.Nodes["wait"].Attempts);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), finished.Nodes["wait"].FinishedAt);
        Assert.True(finished.State["done"]!.GetValue<bool>());
        var events = await host.Run(run.RunId).GetEventsAsync(0, 100);
        Assert.DoesNotContain(events, e => e.Type == RunEventTypes.NodeFailed || e.Type == RunEventTypes.NodeRetryScheduled);
    }

    [Fact]
    public async Task ALongDelay_KeepsItsDueTime_AcrossASiloRestart()
    {
        var clock = new FakeClock();
        var database = Path.Combine(Path.GetTempPath(), $"durable-delay-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await EngineHost.StartAsync(clock, sqlitePath: database);
            await host.PutAsync(LongWait);
            var startedAt = clock.GetUtcNow();
            var run = await host.StartRunAsync("long-wait");
            clock.Advance(TimeSpan.FromMinutes(40));

            await host.RestartAsync();

            var waiting = await host.Run(run.RunId).GetAsync();
            var recovered = Assert.Single(await host.Run(run.RunId).GetEventsAsync(0, 100), e => e.Type == RunEventTypes.RunRecovered);
            Assert.Equal(0, recovered.Data!["interruptedAttempts"]!.GetValue<int>());
            Assert.Equal(1, recovered.Data!["resumedAttempts"]!.GetValue<int>());
            Assert.Equal(NodeStatus.Running, waiting.Nodes["wait"].Status);
            Assert.Equal(startedAt + TimeSpan.FromHours(1), waiting.Nodes["wait"].WaitsUntil);

            // Twenty minutes left, not the whole hour again.
            await clock.WaitForArmedTimersAsync(1, startedAt + TimeSpan.FromHours(1));
            clock.Advance(TimeSpan.FromMinutes(20));
            var finished = await host.WaitForEndAsync(run.RunId);
            Assert.Equal(RunStatus.Completed, finished.Status);
            Assert.Equal(startedAt + TimeSpan.FromHours(1), finished.Nodes["wait"].FinishedAt);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }

    [Fact]
    public async Task ForEachDelaysOfDifferentLengths_EachEndAtItsOwnTime()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: staggered
            nodes:
              wait: { type: delay, duration: "${item}", forEach: "input.waits" }
            """);

        var run = await host.StartRunAsync("staggered", System.Text.Json.Nodes.JsonNode.Parse("""{"waits": ["3m", "1m", "2m"]}"""));

        // One reminder, armed for the earliest end and again for the next after each.
        foreach (var (minutes, index) in new[] { (1, 1), (2, 2), (3, 0) })
        {
            await clock.WaitForArmedTimersAsync(1, run.CreatedAt + TimeSpan.FromMinutes(minutes));
            clock.Advance(run.CreatedAt + TimeSpan.FromMinutes(minutes) - clock.GetUtcNow());
            var ended = await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeCompleted && (int?)e.Data?["itemIndex"] == index);
            Assert.Equal(run.CreatedAt + TimeSpan.FromMinutes(minutes), ended.Timestamp);
        }

        var finished = await host.WaitForEndAsync(run.RunId);
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(run.CreatedAt + TimeSpan.FromMinutes(3), finished.FinishedAt);
    }

    private static async Task<int> RunActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.StartsWith("Orchestrator.Runs.RunGrain,", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
}
