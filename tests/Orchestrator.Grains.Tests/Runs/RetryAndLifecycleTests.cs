using System.Diagnostics;
using Orchestrator.Errors;
using Orchestrator.Grains.Tests.Nodes;
using Orchestrator.Runs;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class RetryAndLifecycleTests
{
    private const string Flaky = """
        name: flaky
        nodes:
          call: { type: fail, times: 2, message: "try again", retry: { maxAttempts: 3, initialDelay: 1s, multiplier: 3 } }
        """;

    [Fact]
    public async Task Retries_FollowThePolicyDelays_OnTheClock()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync(Flaky);
        var run = await host.StartRunAsync("flaky");

        var first = await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);
        Assert.Equal("1000", first.Data!["delayMs"]!.ToJsonString());
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.DoesNotContain(host.Events(run.RunId), e => e.Type == RunEventTypes.NodeStarted && e.Attempt == 2);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var second = await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled, 2);
        Assert.Equal("3000", second.Data!["delayMs"]!.ToJsonString());
        clock.Advance(TimeSpan.FromSeconds(3));

        var finished = await host.WaitForEndAsync(run.RunId);
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(3, finished.Nodes["call"].Attempts);
        Assert.Equal([1, 2, 3], host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeStarted).Select(e => e.Attempt ?? 0));
    }

    [Fact]
    public async Task PendingRetry_WaitsWhilePaused_AndRunsAfterResume()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync(Flaky);
        var run = await host.StartRunAsync("flaky");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);

        await host.Run(run.RunId).PauseAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        // The due reminder was delivered and ignored: nothing started while paused.
        var paused = await host.Run(run.RunId).GetAsync();
        Assert.Equal(RunStatus.Paused, paused.Status);
        Assert.Equal(NodeStatus.Retrying, paused.Nodes["call"].Status);
        Assert.Equal(1, host.Events(run.RunId).Count(e => e.Type == RunEventTypes.NodeStarted));

        await host.Run(run.RunId).ResumeAsync();
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted && e.Attempt == 2);
        await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled, 2);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(run.RunId)).Status);
    }

    [Fact]
    public async Task ScheduledRetry_SurvivesASiloRestart()
    {
        var clock = new FakeClock();
        var database = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await EngineHost.StartAsync(clock, database);
            await host.PutAsync("""
                name: later
                nodes:
                  call: { type: fail, times: 1, retry: { maxAttempts: 2, initialDelay: 10s } }
                """);
            var run = await host.StartRunAsync("later");
            await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);

            await host.RestartAsync();
            clock.Advance(TimeSpan.FromSeconds(10));
            var finished = await host.WaitForEndAsync(run.RunId);

            Assert.Equal(RunStatus.Completed, finished.Status);
            Assert.Equal(2, finished.Nodes["call"].Attempts);
            var log = await host.Run(run.RunId).GetEventsAsync(0, 100);
            Assert.Equal([1, 2], log.Where(e => e.Type == RunEventTypes.NodeStarted).Select(e => e.Attempt ?? 0));
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
    public async Task TheRemindersARunCountsOn_AreRegisteredAgain_WhenItIsActivatedWithoutThem()
    {
        // A registration the reminder service refused (its storage restarting, say) followed by the loss of the activation
        // that armed the timer: the run's next activation registers what its state still counts on, rather than leaving
        // the run asleep until something calls it.
        var clock = new FakeClock();
        var database = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await EngineHost.StartAsync(clock, database);
            await host.PutAsync("""
                name: counts-on-reminders
                timeout: 3h
                nodes:
                  call: { type: fail, times: 1, retry: { maxAttempts: 2, initialDelay: 10m } }
                  wait: { type: delay, duration: 1h }
                """);
            var run = await host.StartRunAsync("counts-on-reminders");
            await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);
            string[] expected = ["delays", "retry|call", "run-timeout"];

            // While the run is activated its timeout and its retry ride timers alone; their backstops are registered
            // when the activation ends.
            Assert.Equal(["delays"], await host.RemindersAsync(run.RunId));
            await host.CollectIdleRunsAsync(TimeSpan.FromSeconds(20), "the run waiting on its retry is still activated");
            Assert.Equal(expected, (await host.RemindersAsync(run.RunId)).Order());

            await host.ForgetRemindersAsync(run.RunId);
            await host.RestartAsync();
            var waiting = await host.Run(run.RunId).GetAsync();

            Assert.Equal(NodeStatus.Retrying, waiting.Nodes["call"].Status);
            Assert.Equal(expected, (await host.RemindersAsync(run.RunId)).Order());
            clock.Advance(TimeSpan.FromMinutes(25));
            var retried = await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeCompleted && e.Node == "call");
            Assert.Equal(2, retried.Attempt);
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
    public async Task Cancel_KillsTheRunningProcess_AndCancelsTheRun()
    {
        var pidFile = await Fifos.CreateAsync(Path.Combine(Path.GetTempPath(), $"pid-{Guid.NewGuid():N}"));
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync($$"""
            name: long-shell
            nodes:
              sleep: { type: shell, command: ["sh", "-c", "echo $$ > {{pidFile}} && exec sleep 120"] }
            """);
        var run = await host.StartRunAsync("long-shell");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted);
        var pid = await Fifos.ReadPidAsync(pidFile);
        using var process = Process.GetProcessById(pid);

        var cancelled = await host.Run(run.RunId).CancelAsync("operator said stop");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(process.HasExited);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Equal(NodeStatus.Cancelled, cancelled.Nodes["sleep"].Status);
        Assert.Equal("operator said stop", cancelled.Error);
        File.Delete(pidFile);
    }
}
