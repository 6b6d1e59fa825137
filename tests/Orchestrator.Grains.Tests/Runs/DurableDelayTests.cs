using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Grains.Tests.Loops;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>A <c>delay</c> of a minute or more waits on the run's durable <c>delays</c> reminder: a run that waits on
/// nothing else leaves memory at once, and the delay ends at the time it was given, whether the run was activated again
/// meanwhile or its silo restarted. The tests deliver the reminder's tick as Orleans does, on the fake clock's time.</summary>
public sealed class DurableDelayTests
{
    private const string LongWait = """
        name: long-wait
        nodes:
          wait: { type: delay, duration: 1h }
          after: { type: set, values: { done: "true" }, dependsOn: [wait] }
        """;

    [Fact]
    public async Task ALongDelay_RegistersAReminder_AndItsRunLeavesMemoryWhileItWaits_ThenEndsOnTime()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync(LongWait);
        var startedAt = clock.GetUtcNow();

        var run = await host.StartRunAsync("long-wait");

        Assert.Equal(NodeStatus.Running, run.Nodes["wait"].Status);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), run.Nodes["wait"].WaitsUntil);
        Assert.Equal(["delays"], await host.RemindersAsync(run.RunId));
        await host.UntilNoRunIsActiveAsync(TimeSpan.FromSeconds(10), "the waiting run is still activated 10 s after its start");

        // Called before its time, it goes on waiting for the same end: nothing was interrupted, nothing is written.
        clock.Advance(TimeSpan.FromMinutes(30));
        var meanwhile = await host.Run(run.RunId).GetAsync();
        Assert.Equal(NodeStatus.Running, meanwhile.Nodes["wait"].Status);
        Assert.Equal(1, meanwhile.Nodes["wait"].Attempts);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), meanwhile.Nodes["wait"].WaitsUntil);

        clock.Advance(TimeSpan.FromMinutes(30));
        var finished = await EndsOnceAtItsTimeAsync(host, run.RunId, startedAt + TimeSpan.FromHours(1));

        Assert.True(finished.State["done"]!.GetValue<bool>());
        var events = await host.Run(run.RunId).GetEventsAsync(0, 100);
        Assert.DoesNotContain(events, e => e.Type is RunEventTypes.NodeFailed or RunEventTypes.NodeRetryScheduled or RunEventTypes.RunRecovered);
    }

    [Fact]
    public Task ALongDelay_KeepsItsDueTime_AcrossASiloRestart() => OnSqliteAsync(async database =>
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock, sqlitePath: database);
        await host.PutAsync(LongWait);
        var startedAt = clock.GetUtcNow();
        var run = await host.StartRunAsync("long-wait");
        clock.Advance(TimeSpan.FromMinutes(40));

        await host.RestartAsync();

        // Not an interrupted attempt run again: the same attempt, waiting for the same end.
        var waiting = await host.Run(run.RunId).GetAsync();
        Assert.Equal(NodeStatus.Running, waiting.Nodes["wait"].Status);
        Assert.Equal(1, waiting.Nodes["wait"].Attempts);
        Assert.Equal(startedAt + TimeSpan.FromHours(1), waiting.Nodes["wait"].WaitsUntil);
        Assert.Equal(["delays"], await host.RemindersAsync(run.RunId));

        clock.Advance(TimeSpan.FromMinutes(20));
        await EndsOnceAtItsTimeAsync(host, run.RunId, startedAt + TimeSpan.FromHours(1));
    });

    [Fact]
    public async Task ForEachDelaysOfDifferentLengths_EachEndAtItsOwnTime_OnOneReminder()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: staggered
            nodes:
              wait: { type: delay, duration: "${item}", forEach: "input.waits" }
            """);

        var run = await host.StartRunAsync("staggered", JsonNode.Parse("""{"waits": ["3m", "1m", "2m"]}"""));

        foreach (var (minutes, index) in new[] { (1, 1), (2, 2), (3, 0) })
        {
            clock.Advance(run.CreatedAt + TimeSpan.FromMinutes(minutes) - clock.GetUtcNow());
            await host.TickAsync(run.RunId);
            var ended = await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeCompleted && (int?)e.Data?["itemIndex"] == index);
            Assert.Equal(run.CreatedAt + TimeSpan.FromMinutes(minutes), ended.Timestamp);
            Assert.Equal(minutes < 3 ? ["delays"] : [], await host.RemindersAsync(run.RunId));
        }

        var finished = await host.WaitForEndAsync(run.RunId);
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(run.CreatedAt + TimeSpan.FromMinutes(3), finished.FinishedAt);
    }

    [Fact]
    public Task ALongDelayWhoseReminderDidNotCommit_IsArmedAgain_WhenTheSiloStarts_WithoutAnyoneCallingTheRun() => OnSqliteAsync(async database =>
    {
        // The reminder's registration commits beside the run's state, not before it: a crash between the two commits
        // leaves the state waiting without the reminder. The silo's start activates every running run, and the
        // activation registers what the state counts on.
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock, sqlitePath: database);
        await host.PutAsync(LongWait);
        var startedAt = clock.GetUtcNow();
        var run = await host.StartRunAsync("long-wait");
        await host.UntilNoRunIsActiveAsync(TimeSpan.FromSeconds(10), "the waiting run is still activated 10 s after its start");
        await host.ForgetRemindersAsync(run.RunId);

        await host.RestartAsync();

        await LoopTesting.EventuallyAsync(
            "the waiting run's reminder registered again after the restart", () => host.RemindersAsync(run.RunId)!, reminders => reminders.Contains("delays"));

        clock.Advance(TimeSpan.FromHours(1));
        await EndsOnceAtItsTimeAsync(host, run.RunId, startedAt + TimeSpan.FromHours(1));
    });

    /// <summary>Runs <paramref name="test"/> on a SQLite file of its own, removed afterwards.</summary>
    private static async Task OnSqliteAsync(Func<string, Task> test)
    {
        var database = Path.Combine(Path.GetTempPath(), $"durable-delay-{Guid.NewGuid():N}.db");
        try
        {
            await test(database);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }

    /// <summary>Delivers the reminder's tick at its due time (the clock already there): the run completes then, its
    /// delay's one attempt ended at <paramref name="dueAt"/>.</summary>
    private static async Task<RunSnapshot> EndsOnceAtItsTimeAsync(EngineHost host, string runId, DateTimeOffset dueAt)
    {
        await host.TickAsync(runId);
        var finished = await host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(1, finished.Nodes["wait"].Attempts);
        Assert.Equal(dueAt, finished.Nodes["wait"].FinishedAt);
        return finished;
    }
}
