using Orchestrator.Testing;
using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Schedules;

/// <summary>The silo is stopped across due times (the fake clock moves while it is down) and started again: each
/// misfire policy decides what the missed occurrences do.</summary>
public sealed class MisfirePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FireOnce_StartsOneRunForTheLatestMissedOccurrence_AndRecordsTheRestAsSkipped()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h" });

        await DownAsync(host, until: T0.AddHours(5).AddMinutes(10));
        var executions = await host.WaitForExecutionsAsync("s", 2);

        Assert.Equal(ScheduleOutcome.SkippedMisfire, executions[0].Outcome);
        Assert.Equal(4, executions[0].Occurrences);
        Assert.Equal(T0.AddHours(1), executions[0].ScheduledFor);
        Assert.Contains("fireOnce", executions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(ScheduleOutcome.Started, executions[1].Outcome);
        Assert.Equal(T0.AddHours(5), executions[1].ScheduledFor);
        // The run says the schedule started it.
        Assert.Equal("schedule:s", Assert.Single(await host.RunsOfAsync("quick")).TriggeredBy);
        Assert.Equal(T0.AddHours(6), (await host.Schedule("s").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task Skip_StartsNothing_ForMissedOccurrences_AndFiresAgainAtTheNextOne()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h", Misfire = MisfirePolicies.Skip });

        await DownAsync(host, until: T0.AddHours(5).AddMinutes(10));
        var skipped = Assert.Single(await host.WaitForExecutionsAsync("s", 1));

        Assert.Equal(ScheduleOutcome.SkippedMisfire, skipped.Outcome);
        Assert.Equal(5, skipped.Occurrences);
        Assert.Empty(await host.RunsOfAsync("quick"));
        Assert.Equal(T0.AddHours(6), (await host.Schedule("s").GetAsync())!.NextFireAt);

        // The skip's announcement and the next occurrence's timer are not ordered: the clock moves only once the timer
        // waits for that time (armed after the move, it would be due 50 minutes past it, and nothing would fire).
        await host.Clock.WaitForArmedTimersAsync(1, T0.AddHours(6));
        host.AdvanceTo(T0.AddHours(6));
        var next = (await host.WaitForExecutionsAsync("s", 2))[1];
        Assert.Equal(ScheduleOutcome.Started, next.Outcome);
        Assert.Equal(T0.AddHours(6), next.ScheduledFor);
    }

    [Fact]
    public async Task FireAll_StartsOneRunPerMissedOccurrence_UpToItsLimit()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition
        {
            Workflow = "quick", Every = "1h", Misfire = MisfirePolicies.FireAll, MisfireLimit = 3, Overlap = OverlapPolicies.Allow,
        });

        await DownAsync(host, until: T0.AddHours(5).AddMinutes(10));
        var executions = await host.WaitForExecutionsAsync("s", 4);

        Assert.Equal(ScheduleOutcome.SkippedMisfire, executions[0].Outcome);
        Assert.Equal(2, executions[0].Occurrences);
        Assert.Equal([T0.AddHours(3), T0.AddHours(4), T0.AddHours(5)], executions.Skip(1).Select(e => e.ScheduledFor));
        Assert.All(executions.Skip(1), e => Assert.Equal(ScheduleOutcome.Started, e.Outcome));
        Assert.Equal(3, (await host.RunsOfAsync("quick")).Count);
    }

    [Fact]
    public async Task FireAll_NeverBurstsHundredsOfRuns_AfterALongOutage()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1m", Misfire = MisfirePolicies.FireAll, Overlap = OverlapPolicies.Allow });

        await DownAsync(host, until: T0.AddDays(1).AddSeconds(30));
        var executions = await host.WaitForExecutionsAsync("s", 12);

        // 1,440 occurrences fell due: the latest (30 s ago) is on time, 10 of the 1,439 missed fire (the default limit).
        Assert.Equal(1439 - 10, executions[0].Occurrences);
        Assert.Equal(ScheduleOutcome.SkippedMisfire, executions[0].Outcome);
        Assert.Equal(11, executions.Count(e => e.Outcome == ScheduleOutcome.Started));
        Assert.Equal(T0.AddDays(1), executions[^1].ScheduledFor);
        Assert.Equal(11, (await host.RunsOfAsync("quick")).Count);
        Assert.Equal(T0.AddDays(1).AddMinutes(1), (await host.Schedule("s").GetAsync())!.NextFireAt);
    }

    [Fact]
    public async Task LateOccurrence_FiresNormally_WhenFoundWithinTheMisfireThreshold()
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "1h", Misfire = MisfirePolicies.Skip });

        await DownAsync(host, until: T0.AddHours(1).AddSeconds(20));
        var fired = Assert.Single(await host.WaitForExecutionsAsync("s", 1));

        Assert.Equal(ScheduleOutcome.Started, fired.Outcome);
        Assert.Equal(T0.AddHours(1), fired.ScheduledFor);
        Assert.Equal(T0.AddHours(1).AddSeconds(20), fired.FiredAt);
    }

    [Theory]
    [InlineData(MisfirePolicies.FireOnce)]
    [InlineData(MisfirePolicies.Skip)]
    [InlineData(MisfirePolicies.FireAll)]
    public async Task EveryOccurrenceFoundWithinTheThreshold_Fires_WhenSeveralFellDueWhileDown(string misfire)
    {
        await using var host = await ScheduleHost.StartAsync(new FakeClock(T0));
        await host.PutQuickAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "quick", Every = "10s", Misfire = misfire, Overlap = OverlapPolicies.Allow });

        // Due at 10 s … 70 s; found at 75 s: the one at 10 s is 65 s late (missed), the six after it are on time.
        await DownAsync(host, until: T0.AddSeconds(75));
        var executions = await host.WaitForExecutionsAsync("s", 7);

        var started = executions.Where(e => e.Outcome == ScheduleOutcome.Started).Select(e => e.ScheduledFor).ToList();
        var onTime = Enumerable.Range(2, 6).Select(i => T0.AddSeconds(10 * i)).ToList();
        if (misfire == MisfirePolicies.FireAll)
        {
            Assert.Equal([T0.AddSeconds(10), .. onTime], started);
            Assert.DoesNotContain(executions, e => e.Outcome == ScheduleOutcome.SkippedMisfire);
        }
        else
        {
            Assert.Equal(onTime, started);
            var skipped = Assert.Single(executions, e => e.Outcome == ScheduleOutcome.SkippedMisfire);
            Assert.Equal(1, skipped.Occurrences);
            Assert.Equal(T0.AddSeconds(10), skipped.ScheduledFor);
        }

        Assert.Equal(started.Count, (await host.RunsOfAsync("quick")).Count);
        Assert.Equal(T0.AddSeconds(80), (await host.Schedule("s").GetAsync())!.NextFireAt);
    }

    private static async Task DownAsync(ScheduleHost host, DateTimeOffset until)
    {
        await host.StopAsync();
        host.Clock.SetUtcNow(until);
        await host.StartAgainAsync();
    }
}
