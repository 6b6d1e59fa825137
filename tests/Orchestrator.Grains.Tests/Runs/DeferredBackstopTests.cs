using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>A run's timeout and its retries ride timers while the run is activated, and their durable reminders are
/// registered only when the activation ends with them still armed.</summary>
public sealed class DeferredBackstopTests
{
    [Fact]
    public async Task ARunThatRetriesAndEndsWithinItsActivation_NeverRegistersItsTimeoutOrItsRetry()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        var run = await StartUntilItsRetryIsScheduledAsync(host, """
            name: quick-with-timeout
            timeout: 1h
            nodes:
              call: { type: fail, times: 1, retry: { maxAttempts: 2, initialDelay: 5s } }
            """);

        // Waiting on its retry, with its timeout an hour away: both on timers, no row.
        Assert.Empty(await host.RemindersAsync(run.RunId));

        await clock.WaitForArmedTimersAsync(1, clock.GetUtcNow() + TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        var finished = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(2, finished.Nodes["call"].Attempts);
        Assert.Empty(await host.RemindersAsync(run.RunId));
    }

    [Fact]
    public async Task ADeferredTimeout_IsRegistered_WhenItsRunLeavesMemory_AndEndsTheRunWhenItFires()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        var run = await StartUntilItsRetryIsScheduledAsync(host, """
            name: outlived-activation
            timeout: 10m
            nodes:
              call: { type: fail, times: 5, retry: { maxAttempts: 6, initialDelay: 1h } }
            """);
        Assert.Empty(await host.RemindersAsync(run.RunId));

        await host.CollectIdleRunsAsync(TimeSpan.FromSeconds(20), "the run waiting on its retry is still activated");

        Assert.Equal([RunReminders.Retry("call", null), RunReminders.RunTimeout], (await host.RemindersAsync(run.RunId)).Order());
        Assert.Equal(0, await host.RunActivationsAsync());

        // Orleans' reminders keep real time: the test delivers the tick the reminder service would at the timeout.
        clock.Advance(TimeSpan.FromMinutes(10));
        await host.TickAsync(run.RunId, RunReminders.RunTimeout);
        var ended = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, ended.Status);
        Assert.Contains("timed out", ended.Error, StringComparison.Ordinal);
        Assert.Equal(1, ended.Nodes["call"].Attempts);
    }

    /// <summary>Puts <paramref name="yaml"/> (a workflow whose node fails and retries) and starts a run of it, returned
    /// once its first retry is scheduled.</summary>
    private static async Task<RunSnapshot> StartUntilItsRetryIsScheduledAsync(EngineHost host, string yaml)
    {
        var workflow = await host.PutAsync(yaml);
        var run = await host.StartRunAsync(workflow.Name);
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);
        return run;
    }
}
