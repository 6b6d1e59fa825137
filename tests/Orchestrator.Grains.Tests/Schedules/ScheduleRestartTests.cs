using Orchestrator.Grains.Tests.Nodes;
using Orchestrator.Runs;
using Orchestrator.Testing;
using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Schedules;

/// <summary>Schedules on a silo with SQLite storage that is stopped and started again: nothing is lost, nothing fires
/// twice.</summary>
public sealed class ScheduleRestartTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Schedule_FiresExactlyOnceOnRestart_WhenTheSiloWasStoppedAcrossItsDueTime()
    {
        using var folder = new TemporaryFolder();
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0), folder.Combine("orchestrator.db"));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h" });

        await host.StopAsync();
        host.Clock.SetUtcNow(T0.AddHours(1).AddMinutes(30));
        await host.StartAgainAsync();
        var executions = await host.WaitForExecutionsAsync("s", 1);
        var fired = Assert.Single(executions);
        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.Equal(T0.AddHours(1), fired.ScheduledFor);
        await host.WaitForRunEndAsync(fired.RunId!);

        // Another restart fires nothing again; the next occurrence is the next fire.
        await host.StartAgainAsync();
        var schedule = (await host.Schedule("s").GetAsync())!;
        Assert.Equal(T0.AddHours(2), schedule.NextFireAt);
        Assert.Single(await host.RunsOfAsync("quick"));
        host.AdvanceTo(T0.AddHours(2));
        var next = (await host.WaitForExecutionsAsync("s", 2))[1];
        Assert.Equal(T0.AddHours(2), next.ScheduledFor);
        Assert.Equal(2, (await host.RunsOfAsync("quick")).Count);
        Assert.Equal(2, (await host.Schedule("s").GetExecutionsAsync(10)).Count);
    }

    [Fact]
    public async Task ScheduledRun_Completes_WhenTheSiloIsStoppedGracefullyDuringItAndStartedAgain()
    {
        using var folder = new TemporaryFolder();
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0), folder.Combine("orchestrator.db"));

        // The first attempt runs until the stop kills it; the attempt after the restart finishes at once.
        await host.PutAsync("""
            name: slow
            nodes:
              work: { type: shell, command: ["sh", "-c", "[ \"$ORCHESTRATOR_ATTEMPT\" -ge 2 ] || exec sleep 300"] }
              done: { type: set, values: { done: "true" }, dependsOn: [work] }
            """);
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "slow", Every = "1d" });
        host.AdvanceTo(T0.AddDays(1));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("s", 1));
        await host.WaitForRunEventAsync(fired.RunId!, e => e.Type == RunEventTypes.NodeStarted && e.Node == "work");

        await host.StopAsync();
        await host.StartAgainAsync();
        var run = await host.WaitForRunEndAsync(fired.RunId!);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(2, run.Nodes["work"].Attempts);
        Assert.True(run.State["done"]!.GetValue<bool>());
        Assert.Single(await host.RunsOfAsync("slow"));
        Assert.Single(await host.Schedule("s").GetExecutionsAsync(10));
        Assert.Equal(T0.AddDays(2), (await host.Schedule("s").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task Fire_FindsTheRunItStartedBefore_WhenDeliveredAgainAfterACrash()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutLongRunningAsync();
        var created = await host.CreateAsync("s", new ScheduleDefinition { Workflow = "long", Every = "1h" });

        // What the first delivery of the 01:00 fire did before the silo died: it started the run, not the record.
        var key = ScheduleGrain.IdempotencyKeyFor("s", created.CreatedAt, T0.AddHours(1));
        var runId = RunIds.ForIdempotencyKey("long", key);
        await host.Run(runId).StartAsync(new StartRun { Workflow = "long", IdempotencyKey = key });

        host.AdvanceTo(T0.AddHours(1));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("s", 1));

        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.Equal(runId, fired.RunId);
        Assert.Single(await host.RunsOfAsync("long"));
    }

    [Fact]
    public async Task Schedules_AreResumedOnStart_AndHealthShowsTheStepsReady()
    {
        using var folder = new TemporaryFolder();
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0), folder.Combine("orchestrator.db"));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Cron = "0 6 * * *", TimeZone = "Europe/Berlin" });

        await host.StartAgainAsync();

        var components = host.Silo.Lifecycle.Components;
        foreach (var component in new[] { "storage", "reminders", "streams", "runs", "schedules" })
        {
            Assert.Equal("ready", components[component]);
        }

        var schedule = (await host.Schedule("s").GetAsync())!;
        Assert.Equal(T0.AddHours(5), schedule.NextFireAt);
        host.AdvanceTo(T0.AddHours(5));
        Assert.Equal(ScheduleOutcome.Started, Assert.Single(await host.WaitForExecutionsAsync("s", 1)).Outcome);
    }
}
