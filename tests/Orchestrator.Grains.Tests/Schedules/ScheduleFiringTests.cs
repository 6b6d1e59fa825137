using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Queries;
using Orchestrator.Reminders;
using Orchestrator.Runs;
using Orchestrator.Testing;
using Orchestrator.Schedules;
using Orchestrator.Workflows;

namespace Orchestrator.Grains.Tests.Schedules;

public sealed class ScheduleFiringTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task IntervalSchedule_StartsOneRunPerOccurrence_WhenTheClockPassesEach()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        var created = await host.CreateAsync("every-10m", new ScheduleDefinition { Name = "ten", Workflow = "quick", Every = "10m", Input = ScheduleHost.Input("n", 7) });
        Assert.Equal(T0.AddMinutes(10), created.NextFireAt);
        Assert.Equal(ScheduleKinds.Interval, created.Kind);

        var runIds = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            host.AdvanceTo(T0.AddMinutes(10 * i));
            var execution = (await host.WaitForExecutionsAsync("every-10m", i))[^1];
            Assert.Equal(ScheduleOutcome.Started, execution.Outcome);
            Assert.Equal(T0.AddMinutes(10 * i), execution.ScheduledFor);
            Assert.Equal(T0.AddMinutes(10 * i), execution.FiredAt);
            var run = await host.WaitForRunEndAsync(execution.RunId!);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(7, run.State["n"]!.GetValue<int>());
            runIds.Add(run.RunId);
        }

        Assert.Equal(3, runIds.Distinct().Count());
        var schedule = (await host.Schedule("every-10m").GetAsync())!;
        Assert.Equal(T0.AddMinutes(40), schedule.NextFireAt);
        Assert.Equal(T0.AddMinutes(30), schedule.LastFireAt);
        Assert.Equal(ScheduleOutcome.Started, schedule.LastOutcome);
        Assert.Equal(runIds[^1], schedule.LastRunId);
        Assert.Equal(3, (await host.RunsOfAsync("quick")).Count);
        var executions = await host.Schedule("every-10m").GetExecutionsAsync(10);
        Assert.Equal(runIds.AsEnumerable().Reverse(), executions.Select(e => e.RunId));
    }

    [Fact]
    public async Task CronSchedule_FiresAtTheEndOfTheGap_OnTheSpringForwardDay()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(ScheduleCalendarTests.At("2026-03-07T12:00:00Z")));
        await host.PutQuickAsync();
        var created = await host.CreateAsync("nightly", new ScheduleDefinition { Workflow = "quick", Cron = "30 2 * * *", TimeZone = "America/New_York" });

        Assert.Equal(ScheduleCalendarTests.At("2026-03-08T07:00:00Z"), created.NextFireAt);
        Assert.Equal(
            [ScheduleCalendarTests.At("2026-03-08T07:00:00Z"), ScheduleCalendarTests.At("2026-03-09T06:30:00Z"), ScheduleCalendarTests.At("2026-03-10T06:30:00Z")],
            await host.Schedule("nightly").PreviewAsync(3));

        host.AdvanceTo(ScheduleCalendarTests.At("2026-03-08T07:00:00Z"));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("nightly", 1));
        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.Equal(ScheduleCalendarTests.At("2026-03-08T07:00:00Z"), fired.ScheduledFor);
        Assert.Equal(ScheduleCalendarTests.At("2026-03-09T06:30:00Z"), (await host.Schedule("nightly").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task Jitter_DelaysTheFire_WithoutMovingTheOccurrence()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        var created = await host.CreateAsync("spread", new ScheduleDefinition { Workflow = "quick", Every = "1h", Jitter = "30s" });
        Assert.Equal(T0.AddHours(1), created.NextFireAt);
        Assert.Equal("30s", created.Jitter);

        host.AdvanceTo(T0.AddHours(1).AddSeconds(30));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("spread", 1));

        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.Equal(T0.AddHours(1), fired.ScheduledFor);
        Assert.InRange(fired.FiredAt, T0.AddHours(1), T0.AddHours(1).AddSeconds(30));
        Assert.Equal(T0.AddHours(2), (await host.Schedule("spread").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task OnceSchedule_FiresOnce_ThenHasNoNextFire()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("once", new ScheduleDefinition { Workflow = "quick", At = "2026-01-01T02:00:00Z" });

        host.AdvanceTo(T0.AddHours(2));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("once", 1));

        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        var schedule = (await host.Schedule("once").GetAsync())!;
        Assert.Null(schedule.NextFireAt);
        Assert.True(schedule.Enabled);
        Assert.Equal(T0.AddHours(2), schedule.At);
        Assert.Empty(await host.Schedule("once").PreviewAsync(5));
    }

    [Fact]
    public async Task DisabledSchedule_DoesNotFire_AndFiresFromNowOnWhenEnabledAgain()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("hourly", new ScheduleDefinition { Workflow = "quick", Every = "1h" });

        var disabled = await host.Schedule("hourly").DisableAsync();
        Assert.False(disabled.Enabled);
        Assert.Null(disabled.NextFireAt);
        host.AdvanceTo(T0.AddHours(3).AddMinutes(30));
        Assert.Empty(await host.Schedule("hourly").GetExecutionsAsync(10));

        var enabled = await host.Schedule("hourly").EnableAsync();

        // The occurrences passed while disabled are not caught up: the next is the first after now.
        Assert.True(enabled.Enabled);
        Assert.Equal(T0.AddHours(4), enabled.NextFireAt);
        host.AdvanceTo(T0.AddHours(4));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("hourly", 1));
        Assert.Equal(T0.AddHours(4), fired.ScheduledFor);
        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.DoesNotContain(host.Announced("hourly"), e => e.Outcome == ScheduleOutcome.SkippedMisfire);
    }

    [Fact]
    public async Task Update_RecomputesTheNextFire_FromTheNewDefinition()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.PutQuickAsync("other");
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h" });
        host.AdvanceTo(T0.AddMinutes(30));

        var updated = await host.Schedule("s").UpdateAsync(new ScheduleDefinition { Workflow = "other", Every = "10m" });

        Assert.Equal(T0.AddMinutes(40), updated.NextFireAt);
        Assert.Equal("other", updated.Workflow);
        Assert.Equal("10m", updated.Every);
        host.AdvanceTo(T0.AddMinutes(40));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("s", 1));
        Assert.Equal(T0.AddMinutes(40), fired.ScheduledFor);
        Assert.Equal("other", (await host.Run(fired.RunId!).GetAsync()).Workflow);

        var cron = await host.Schedule("s").UpdateAsync(new ScheduleDefinition { Workflow = "other", Cron = "0 12 * * *", TimeZone = "Europe/Berlin" });
        Assert.Equal(ScheduleKinds.Cron, cron.Kind);
        Assert.Equal(T0.AddHours(11), cron.NextFireAt);
        Assert.Equal("Europe/Berlin", cron.TimeZone);
    }

    [Fact]
    public async Task Update_KeepsTheScheduleDisabled_WhenTheNewDefinitionDoesNotSayEnabled()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h", Enabled = false });

        var updated = await host.Schedule("s").UpdateAsync(new ScheduleDefinition { Workflow = "quick", Every = "2h" });

        Assert.False(updated.Enabled);
        Assert.Null(updated.NextFireAt);
        Assert.True((await host.Schedule("s").UpdateAsync(new ScheduleDefinition { Workflow = "quick", Every = "2h", Enabled = true })).Enabled);
    }

    [Fact]
    public async Task Trigger_StartsARunNow_WhateverTheOverlapPolicy()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutLongRunningAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "long", Every = "1d", Overlap = OverlapPolicies.Skip });
        host.AdvanceTo(T0.AddMinutes(5));

        var first = await host.Schedule("s").TriggerAsync();
        var second = await host.Schedule("s").TriggerAsync();

        Assert.Equal(ScheduleOutcome.Started, first.Outcome);
        Assert.Equal(ScheduleOutcome.Started, second.Outcome);
        Assert.True(first.Manual);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal(RunStatus.Running, (await host.Run(first.RunId!).GetAsync()).Status);
        var schedule = (await host.Schedule("s").GetAsync())!;
        Assert.Equal(T0.AddDays(1), schedule.NextFireAt);
        Assert.Equal(second.RunId, schedule.LastRunId);
    }

    [Fact]
    public async Task Fire_RecordsFailed_WhenTheWorkflowDoesNotExist()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "missing", Every = "1h" });

        host.AdvanceTo(T0.AddHours(1));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("s", 1));

        Assert.Equal(ScheduleOutcome.Failed, fired.Outcome);
        Assert.Null(fired.RunId);
        Assert.Contains("missing", fired.Reason, StringComparison.Ordinal);
        Assert.Equal(T0.AddHours(2), (await host.Schedule("s").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task TaskSchedule_RunsItsNodeAsAOneNodeWorkflow()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        var task = new ScheduleTask("set", new JsonObject { ["values"] = new JsonObject { ["answer"] = "40 + 2" } });

        var created = await host.CreateAsync("tasky", new ScheduleDefinition { Name = "seed task", Every = "1h", Task = task });

        Assert.Equal("schedule.tasky", created.Workflow);
        Assert.Equal("set", created.Task!.Type);
        host.AdvanceTo(T0.AddHours(1));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("tasky", 1));
        var run = await host.WaitForRunEndAsync(fired.RunId!);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("42", run.State["answer"]!.ToJsonString());

        await host.Schedule("tasky").DeleteAsync();
        Assert.Null(await host.Schedule("tasky").GetAsync());
        Assert.True((await host.Grains.GetGrain<IWorkflowGrain>("schedule.tasky").GetInfoAsync())!.Retired);
    }

    [Fact]
    public async Task Create_RefusesAnInvalidTask_NamingTheTaskField()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        var task = new ScheduleTask("http", new JsonObject { ["method"] = "GET" });

        var error = await Assert.ThrowsAsync<ScheduleInvalidException>(() => host.CreateAsync("bad", new ScheduleDefinition { Every = "1h", Task = task }));

        Assert.Contains(error.Problems, p => p.Field == "task.config.url");
        Assert.Null(await host.Schedule("bad").GetAsync());
    }

    [Fact]
    public async Task Create_RefusesASecondCreate_OfTheSameSchedule()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "w", Every = "1h" });

        await Assert.ThrowsAsync<ScheduleConflictException>(() => host.CreateAsync("s", new ScheduleDefinition { Workflow = "w", Every = "2h" }));
    }

    [Fact]
    public async Task DeletedSchedule_NeverFiresAgain()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("gone", new ScheduleDefinition { Workflow = "quick", Every = "1h" });
        await host.CreateAsync("kept", new ScheduleDefinition { Workflow = "quick", Every = "1h" });

        await host.Schedule("gone").DeleteAsync();
        host.AdvanceTo(T0.AddHours(1));
        await host.WaitForExecutionsAsync("kept", 1);

        Assert.Empty(host.Announced("gone"));
        Assert.Null(await host.Schedule("gone").GetAsync());
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => host.Schedule("gone").TriggerAsync());
        Assert.Single(await host.RunsOfAsync("quick"));
    }

    [Fact]
    public async Task Schedules_AreListedFromTheView_ByWorkflowAndEnabled()
    {
        var clock = new FakeClock(T0);
        await using var host = await ScheduleHost.StartAsync(clock);
        await host.CreateAsync("a", new ScheduleDefinition { Workflow = "alpha", Every = "1h" });
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.CreateAsync("b", new ScheduleDefinition { Workflow = "beta", Cron = "0 * * * *", Enabled = false });
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.CreateAsync("c", new ScheduleDefinition { Workflow = "alpha", At = "2026-06-01T00:00:00Z" });
        var query = host.Grains.GetGrain<IQueryGrain>(IQueryGrain.Key);

        var all = await query.ListSchedulesAsync(null, null, 10, null);
        var enabled = await query.ListSchedulesAsync(null, true, 10, null);
        var alpha = await query.ListSchedulesAsync("alpha", null, 1, null);
        var alphaNext = await query.ListSchedulesAsync("alpha", null, 1, alpha.Cursor);

        Assert.Equal(["c", "b", "a"], all.Items.Select(s => s.Id));
        Assert.Equal(["c", "a"], enabled.Items.Select(s => s.Id));
        Assert.Equal(["c", "a"], alpha.Items.Concat(alphaNext.Items).Select(s => s.Id));
        var c = all.Items[0];
        Assert.Equal(ScheduleKinds.Once, c.Kind);
        Assert.Equal(ScheduleCalendarTests.At("2026-06-01T00:00:00Z"), c.NextFireAt);
        Assert.Null(all.Items[1].NextFireAt);

        await host.Schedule("a").DisableAsync();
        Assert.Equal(["c"], (await query.ListSchedulesAsync(null, true, 10, null)).Items.Select(s => s.Id));
    }

    [Fact]
    public async Task FireWhoseHandlingFailed_IsCarriedOutOnTheRetry_AndTheScheduleCarriesOn()
    {
        // The first look-up of a run fails as a call to a silo that has just died does.
        var faults = new RunLookupFaults(failures: 1);
        await using var host = await ScheduleHost.StartAsync(
            new FakeClock(T0), services: services => services.AddSingleton<IIncomingGrainCallFilter>(faults));
        await host.PutQuickAsync();
        await host.CreateAsync("flaky", new ScheduleDefinition { Workflow = "quick", Every = "10m" });

        host.AdvanceTo(T0.AddMinutes(10));
        await faults.Failed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // A call queues behind the failed turn, so it returns once the retry is armed.
        Assert.Null((await host.Schedule("flaky").GetAsync())!.LastFireAt);
        Assert.Empty(host.Announced("flaky"));

        host.AdvanceTo(T0.AddMinutes(10) + OneShotReminderGrain.RetryDelay(1));
        var retried = Assert.Single(await host.WaitForExecutionsAsync("flaky", 1));
        Assert.True(retried.Outcome == ScheduleOutcome.Started, $"{retried}");
        Assert.Equal(T0.AddMinutes(10), retried.ScheduledFor);

        host.AdvanceTo(T0.AddMinutes(20));
        var next = (await host.WaitForExecutionsAsync("flaky", 2))[^1];
        Assert.True(next.Outcome == ScheduleOutcome.Started, string.Join("; ", host.Announced("flaky")));
        Assert.Equal(T0.AddMinutes(20), next.ScheduledFor);
        Assert.Equal(2, (await host.RunsOfAsync("quick")).Count);
    }

    /// <summary>Fails the next <c>failures</c> calls of <see cref="IRunGrain.GetAsync"/>.</summary>
    private sealed class RunLookupFaults(int failures) : IIncomingGrainCallFilter
    {
        private int _left = failures;

        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod.DeclaringType == typeof(IRunGrain) && context.MethodName == nameof(IRunGrain.GetAsync)
                && Interlocked.Decrement(ref _left) >= 0)
            {
                Failed.TrySetResult();
                throw new TimeoutException("injected: the run's silo did not answer");
            }

            return context.Invoke();
        }
    }
}
