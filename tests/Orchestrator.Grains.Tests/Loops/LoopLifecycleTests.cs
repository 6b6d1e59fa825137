using Orchestrator.Testing;
using Orchestrator.Errors;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Pause, resume, stop, onError policies and isolation between loops.</summary>
public sealed class LoopLifecycleTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Pause_StopsNewIterations_AndResume_StartsThemAgain()
    {
        var runId = await _host.StartAsync($$"""
            name: pause-resume
            loops:
              main:
                producer: { type: interval, every: 5ms }
                chain: [ { node: hold, mode: blocking } ]
            nodes:
              hold: { type: dotnet, class: {{GateClass}} }
            """);
        var probe = LoopProbe.For(runId);
        await probe.WaitForAsync("entered", 1);

        var paused = await _host.Loop(runId, "main").PauseAsync("maintenance");
        Assert.Equal(LoopStatus.Paused, paused.State);
        Assert.Equal("maintenance", paused.Reason);

        // The iteration under way finishes; no other starts while paused, however many ticks pass.
        probe.Open(5);
        await probe.WaitForAsync("left", 1);
        await _host.WaitForLoopAsync(runId, "main", loop => loop.Completed == 1);
        await Task.Delay(300);
        Assert.Equal(1, probe.Count("entered"));
        var whilePaused = await _host.Loop(runId, "main").GetAsync();
        Assert.Equal(1, whilePaused.Iterations);

        var resumed = await _host.Loop(runId, "main").ResumeAsync();
        Assert.Equal(LoopStatus.Running, resumed.State);
        await probe.WaitForAsync("left", 3);

        var stopped = await _host.Loop(runId, "main").StopAsync("enough");
        Assert.Equal(LoopStatus.Stopped, stopped.State);
        probe.Open(100);
        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Completed, run.Status);
        await Assert.ThrowsAsync<LoopConflictException>(() => _host.Loop(runId, "main").ResumeAsync());
        var logs = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Limit = 100 });
        Assert.Contains(logs, line => line.Message.Contains("paused: maintenance", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Message == "resumed");
    }

    [Fact]
    public async Task PausingTheRun_PausesItsLoops_AndCancellingItStopsThem()
    {
        var runId = await _host.StartAsync($$"""
            name: run-controls-loops
            loops:
              a: { producer: { type: interval, every: 5ms }, chain: [ { node: rec } ] }
              b: { producer: { type: interval, every: 5ms }, chain: [ { node: rec } ] }
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        await LoopProbe.For(runId).WaitForAsync("record", 4);

        await _host.Run(runId).PauseAsync();
        await _host.WaitForLoopAsync(runId, "a", loop => loop.State == LoopStatus.Paused);
        await _host.WaitForLoopAsync(runId, "b", loop => loop.State == LoopStatus.Paused);
        await _host.Run(runId).ResumeAsync();
        await _host.WaitForLoopAsync(runId, "a", loop => loop.State == LoopStatus.Running);

        await _host.Run(runId).CancelAsync("done");

        var a = await _host.WaitForLoopAsync(runId, "a", loop => loop.State == LoopStatus.Stopped);
        await _host.WaitForLoopAsync(runId, "b", loop => loop.State == LoopStatus.Stopped);
        Assert.Contains("cancelled", a.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnErrorContinue_RecordsTheErrorWithItsInput_AndGoesOn()
    {
        var runId = await _host.StartAsync($$"""
            name: on-error-continue
            loops:
              main:
                producer: { type: dotnet, class: {{ProducerClass}} }
                onError: continue
                chain:
                  - { node: check, mode: blocking }
                  - { node: after, mode: blocking }
            nodes:
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 2, initialDelay: 10ms } }
              after: { type: dotnet, class: {{RecordClass}} }
            """);

        var run = await _host.WaitForEndAsync(runId);

        var loop = await _host.Loop(runId, "main").GetAsync();
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, loop.Errors);
        Assert.Equal(3, loop.Iterations);
        Assert.Equal(6, LoopProbe.For(runId).Count("tried"));
        Assert.Equal(0, LoopProbe.For(runId).Count("record"));
        Assert.Equal(NodeHealth.Failing, loop.Nodes["check"].Health);
        Assert.Equal(6, loop.Nodes["check"].FailedAttempts);
        Assert.Equal("asked to fail in iteration 3", loop.LastError!.Message);
        Assert.Equal(3, loop.LastError.Input!["n"]!.GetValue<int>());
        var record = await _host.Error(loop.LastError.ErrorId!).GetAsync();
        Assert.NotNull(record);
        Assert.Equal("main", record.Loop);
        Assert.Equal("check", record.Node);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(3, record.Input!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task OnErrorPause_PausesTheLoop_AtTheFirstFailure()
    {
        var runId = await _host.StartAsync($$"""
            name: on-error-pause
            loops:
              main:
                producer: { type: interval, every: 5ms }
                onError: pause
                chain: [ { node: check } ]
            nodes:
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 1 } }
            """);

        var loop = await _host.WaitForLoopAsync(runId, "main", l => l.State == LoopStatus.Paused);

        Assert.Equal(1, loop.Errors);
        Assert.Contains("asked to fail in iteration 1", loop.Reason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Running, (await _host.Run(runId).GetAsync()).Status);
        await _host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task OnErrorStop_EndsTheLoopInError_AndFailsTheRun()
    {
        var runId = await _host.StartAsync($$"""
            name: on-error-stop
            loops:
              main:
                producer: { type: interval, every: 5ms }
                onError: stop
                chain: [ { node: check } ]
            nodes:
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 1 } }
            """);

        var run = await _host.WaitForEndAsync(runId);

        var loop = await _host.Loop(runId, "main").GetAsync();
        Assert.Equal(LoopStatus.Error, loop.State);
        Assert.Equal(1, loop.Errors);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("loop 'main'", run.Error, StringComparison.Ordinal);
        Assert.Equal(LoopStatus.Error, run.Loops["main"]);
    }

    [Fact]
    public async Task FailingLoop_DoesNotDisturbAHealthyLoopOfTheSameRun()
    {
        var runId = await _host.StartAsync($$"""
            name: isolation
            loops:
              bad:
                pool: thread
                producer: { type: interval, every: 5ms }
                onError: stop
                chain: [ { node: check } ]
              good:
                pool: thread
                producer: { type: interval, every: 5ms }
                chain: [ { node: rec } ]
            nodes:
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 1 } }
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);

        await _host.WaitForLoopAsync(runId, "bad", loop => loop.State == LoopStatus.Error);
        var before = probe.Count("record");
        await probe.WaitForAsync("record", before + 5);

        var good = await _host.Loop(runId, "good").GetAsync();
        Assert.Equal(LoopStatus.Running, good.State);
        Assert.Equal(0, good.Errors);
        Assert.Equal(NodeHealth.Healthy, good.Nodes["rec"].Health);
        Assert.Equal(RunStatus.Running, (await _host.Run(runId).GetAsync()).Status);

        await _host.Loop(runId, "good").StopAsync("done");
        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task ErrorRecordRetry_RunsTheFailedNodeAgainWithItsInput()
    {
        var runId = await _host.StartAsync($$"""
            name: loop-error-retry
            loops:
              main:
                producer: { type: interval, every: 1h }
                chain:
                  - { node: check }
                  - { node: after }
            nodes:
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 1 } }
              after: { type: dotnet, class: {{RecordClass}} }
            """);
        var failed = await _host.WaitForLoopAsync(runId, "main", loop => loop.Errors == 1);
        var errorId = failed.LastError!.ErrorId!;
        await _host.WaitForErrorAsync(errorId, e => e.RecoveryStatus == ErrorRecoveryStatus.Unresolved);

        await _host.Error(errorId).RetryAsync("ops", "try again");

        var retried = await _host.WaitForErrorAsync(errorId, e => e.History.Any(a => a.Action == "retry_failed"));
        Assert.Equal(ErrorRecoveryStatus.Unresolved, retried.RecoveryStatus);
        Assert.Equal(2, LoopProbe.For(runId).Count("tried"));
        await _host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task LoopStillMarkedRunning_StopsItself_WhenActivatedAfterItsRunEnded()
    {
        var runId = await _host.StartAsync($$"""
            name: orphan-loop
            loops:
              main: { producer: { type: interval, every: 5ms }, chain: [ { node: rec } ] }
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);
        await probe.WaitForAsync("record", 2);
        var storage = _host.Silo.Storage.Grains;
        var grainId = GrainId.Create("loop", LoopIds.For(runId, "main"));
        // Stored as the loop was written while running: what a silo that died before the loop's stop was written leaves.
        var whileRunning = (await RawStates.ReadAsync(storage, grainId, "loop"))!.Value;
        Assert.Contains("\"running\"", whileRunning.Json, StringComparison.Ordinal);
        await _host.Run(runId).CancelAsync("done");
        await _host.WaitForEndAsync(runId);
        await _host.WaitForLoopAsync(runId, "main", loop => loop.State == LoopStatus.Stopped);
        var stopped = (await RawStates.ReadAsync(storage, grainId, "loop"))!.Value;
        await RawStates.WriteAsync(storage, grainId, "loop", whileRunning.Json, stopped.Etag);

        await _host.RestartAsync();
        var recordsBefore = probe.Count("record");
        var loop = await _host.Loop(runId, "main").GetAsync();

        Assert.Equal(LoopStatus.Stopped, loop.State);
        Assert.Equal($"run {runId} is cancelled", loop.Reason);
        Assert.Contains("\"stopped\"", (await RawStates.ReadAsync(_host.Silo.Storage.Grains, grainId, "loop"))!.Value.Json, StringComparison.Ordinal);
        Assert.Equal(recordsBefore, probe.Count("record"));
        Assert.Equal(RunStatus.Cancelled, (await _host.Run(runId).GetAsync()).Status);
    }

    [Fact]
    public async Task NodeLines_AreKeptUnderTheirNode_AndTheLatestSurviveARestart()
    {
        var runId = await _host.StartAsync("""
            name: logged-loop
            loops:
              main: { producer: { type: interval, every: 5ms }, chain: [ { node: read }, { node: say }, { node: check } ] }
            nodes:
              read:  { type: set, values: { seen: "iteration" } }
              say:   { type: log, message: "reading ${iteration}" }
              check: { type: dotnet, class: Orchestrator.Grains.Tests.Loops.LoggingNode }
            """);
        await _host.WaitForLoopAsync(runId, "main", loop => loop.Iterations >= 5);
        await _host.Loop(runId, "main").StopAsync("enough");
        await _host.WaitForEndAsync(runId);

        var read = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Node = "read", Limit = 1_000 });
        Assert.All(read, line => Assert.Equal("read", line.Node));
        Assert.Contains(read, line => line.Message == "started" && line.Iteration == 1);
        Assert.Contains(read, line => line.Iteration == 1 && line.Message.StartsWith("completed in ", StringComparison.Ordinal) && line.Message.EndsWith(" ms", StringComparison.Ordinal));
        var say = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Node = "say", Limit = 1_000 });
        Assert.Contains(say, line => line.Message == "reading 1" && line.Iteration == 1);
        var check = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Node = "check", Limit = 1_000 });
        Assert.Contains(check, line => line.Message == "checked reading 2" && line.Level == "warning" && line.Iteration == 2);
        var before = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Limit = 1_000 });

        await _host.RestartAsync();
        var after = await _host.Loop(runId, "main").GetLogsAsync(new LoopLogQuery { Limit = 1_000 });

        Assert.Equal(before.TakeLast(LoopLogLimit).Select(Describe), after.Select(Describe));
        Assert.Contains(after, line => line.Node == "say" && line.Message.StartsWith("reading ", StringComparison.Ordinal));

        static string Describe(LoopLogEntry line) => $"{line.Seq} {line.Level} {line.Node} {line.Iteration} {line.Message}";
    }

    private const int LoopLogLimit = 1_000;
}
