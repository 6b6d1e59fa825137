using Orchestrator.Runs;
using Orchestrator.Testing;
using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Schedules;

/// <summary>A daily schedule of a workflow whose runs go on until cancelled: the overlap policy decides what the next
/// fire does while the previous run still goes.</summary>
public sealed class OverlapPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Skip_RecordsWhy_WhenThePreviousRunStillGoes()
    {
        await using var host = await StartAsync(OverlapPolicies.Skip);

        var first = await FireAsync(host, day: 1, count: 1);
        var second = await FireAsync(host, day: 2, count: 2);

        Assert.Equal(ScheduleOutcome.Started, first.Outcome);
        Assert.Equal(ScheduleOutcome.SkippedOverlap, second.Outcome);
        Assert.Null(second.RunId);
        Assert.Contains(first.RunId!, second.Reason, StringComparison.Ordinal);
        Assert.Single(await host.RunsOfAsync("long"));

        await host.Run(first.RunId!).CancelAsync("test");
        await host.WaitForRunEndAsync(first.RunId!);
        var third = await FireAsync(host, day: 3, count: 3);
        Assert.Equal(ScheduleOutcome.Started, third.Outcome);
    }

    [Fact]
    public async Task Allow_StartsAnotherRun_WhileThePreviousStillGoes()
    {
        await using var host = await StartAsync(OverlapPolicies.Allow);

        var first = await FireAsync(host, day: 1, count: 1);
        var second = await FireAsync(host, day: 2, count: 2);

        Assert.Equal(ScheduleOutcome.Started, second.Outcome);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal(RunStatus.Running, (await host.Run(first.RunId!).GetAsync()).Status);
        Assert.Equal(RunStatus.Running, (await host.Run(second.RunId!).GetAsync()).Status);
    }

    [Fact]
    public async Task CancelPrevious_CancelsTheRunStillGoing_ThenStartsANewOne()
    {
        await using var host = await StartAsync(OverlapPolicies.CancelPrevious);

        var first = await FireAsync(host, day: 1, count: 1);
        var second = await FireAsync(host, day: 2, count: 2);

        Assert.Equal(ScheduleOutcome.Started, second.Outcome);
        Assert.Contains(first.RunId!, second.Reason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, (await host.WaitForRunEndAsync(first.RunId!)).Status);
        Assert.Equal(RunStatus.Running, (await host.Run(second.RunId!).GetAsync()).Status);
    }

    [Fact]
    public async Task BufferOne_KeepsOneFire_AndStartsItWhenThePreviousRunHasFinished()
    {
        // The buffer is checked a day and a half after a fire is kept, so that no check falls between the steps below.
        await using var host = await StartAsync(OverlapPolicies.BufferOne, bufferCheck: TimeSpan.FromHours(36));

        var first = await FireAsync(host, day: 1, count: 1);
        var buffered = await FireAsync(host, day: 2, count: 2);
        var dropped = await FireAsync(host, day: 3, count: 3);

        Assert.Equal(ScheduleOutcome.Buffered, buffered.Outcome);
        Assert.Null(buffered.RunId);
        Assert.Equal(ScheduleOutcome.SkippedOverlap, dropped.Outcome);
        Assert.Contains("already buffered", dropped.Reason, StringComparison.Ordinal);
        Assert.Equal(T0.AddDays(2), (await host.Schedule("s").GetAsync())!.BufferedFor);

        // The buffer check finds the previous run finished and starts the kept fire.
        await host.Run(first.RunId!).CancelAsync("test");
        await host.WaitForRunEndAsync(first.RunId!);
        host.AdvanceTo(T0.AddDays(3.5));
        var started = (await host.WaitForExecutionsAsync("s", 4))[3];
        Assert.Equal(ScheduleOutcome.Started, started.Outcome);
        Assert.Equal(T0.AddDays(2), started.ScheduledFor);
        Assert.Equal(T0.AddDays(3.5), started.FiredAt);
        Assert.Null((await host.Schedule("s").GetAsync())!.BufferedFor);

        // The next fire keeps itself again; once that run is cancelled, the fire after starts the kept one first.
        var bufferedAgain = await FireAsync(host, day: 4, count: 5);
        Assert.Equal(ScheduleOutcome.Buffered, bufferedAgain.Outcome);
        await host.Run(started.RunId!).CancelAsync("test");
        await host.WaitForRunEndAsync(started.RunId!);
        host.AdvanceTo(T0.AddDays(5));
        var executions = await host.WaitForExecutionsAsync("s", 7);
        Assert.Equal((ScheduleOutcome.Started, T0.AddDays(4)), (executions[5].Outcome, executions[5].ScheduledFor));
        Assert.Equal((ScheduleOutcome.Buffered, T0.AddDays(5)), (executions[6].Outcome, executions[6].ScheduledFor));

        // The record of a kept fire is replaced by the record of its start.
        var history = await host.Schedule("s").GetExecutionsAsync(10);
        Assert.Equal(
            [ScheduleOutcome.Buffered, ScheduleOutcome.Started, ScheduleOutcome.Started, ScheduleOutcome.SkippedOverlap, ScheduleOutcome.Started],
            history.Select(e => e.Outcome));
        Assert.Equal(3, (await host.RunsOfAsync("long")).Count);
    }

    [Fact]
    public async Task BufferedFire_IsDropped_WhenTheScheduleIsDisabled()
    {
        await using var host = await StartAsync(OverlapPolicies.BufferOne, bufferCheck: TimeSpan.FromHours(36));
        await FireAsync(host, day: 1, count: 1);
        await FireAsync(host, day: 2, count: 2);

        var disabled = await host.Schedule("s").DisableAsync();

        Assert.Null(disabled.BufferedFor);
        var dropped = (await host.WaitForExecutionsAsync("s", 3))[2];
        Assert.Equal(ScheduleOutcome.SkippedDisabled, dropped.Outcome);
        Assert.Equal(T0.AddDays(2), dropped.ScheduledFor);
    }

    private static async Task<ScheduleHost> StartAsync(string overlap, TimeSpan? bufferCheck = null)
    {
        var options = new ScheduleOptions { BufferCheckInterval = bufferCheck ?? TimeSpan.FromSeconds(1) };
        var host = await ScheduleHost.StartAsync(new FakeClock(T0), schedules: options);
        await host.PutLongRunningAsync();
        await host.CreateAsync("s", new ScheduleDefinition { Workflow = "long", Every = "1d", Overlap = overlap });
        return host;
    }

    private static async Task<ScheduleExecution> FireAsync(ScheduleHost host, int day, int count)
    {
        host.AdvanceTo(T0.AddDays(day));
        return (await host.WaitForExecutionsAsync("s", count))[count - 1];
    }
}
