using System.Text.Json.Nodes;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>Rules of the engine's core that a scenario row does not show well: jitter bounds, refusals, the parallel
/// attempt budget, determinism.</summary>
public sealed class RunStateMachineTests
{
    private const string Jittery = """
        name: jittery
        nodes:
          call: { type: noop, retry: { maxAttempts: 2, initialDelay: 10s, jitter: 0.2 } }
        """;

    [Fact]
    public void RetryDelay_StaysWithinTheJitterBounds_AndSpreadsOverThem()
    {
        var delays = Enumerable.Range(1, 200).Select(seed => FirstRetryDelay(seed)).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12)));
        Assert.Contains(delays, delay => delay < TimeSpan.FromSeconds(9));
        Assert.Contains(delays, delay => delay > TimeSpan.FromSeconds(11));
    }

    [Fact]
    public void RetryDelay_IsTheSame_ForTheSameRandomSeed() =>
        Assert.Equal(FirstRetryDelay(seed: 7), FirstRetryDelay(seed: 7));

    [Fact]
    public void RetryPolicy_GrowsByTheMultiplier_UpToMaxDelay()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(1), 10, TimeSpan.FromSeconds(30), 0);

        Assert.Equal(
            [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)],
            Enumerable.Range(1, 4).Select(failed => policy.NextDelay(failed, random: 0.5)));
    }

    [Fact]
    public void Pause_ShowsTheRunsLoopsPaused_AndResumeRunningAgain()
    {
        var run = CoreRun.Of("""
            name: looping
            loops:
              sensor: { producer: { type: interval, every: 1s }, chain: [ { node: read } ] }
              done:   { producer: { type: interval, every: 1s }, chain: [ { node: read } ] }
            nodes:
              read: { type: noop }
            """);
        run.Start();
        run.Apply(new RunCommand.LoopEnded("done", LoopStatus.Stopped, "finished"));

        run.Apply(new RunCommand.Pause());
        var paused = run.State.Loops;
        Assert.Equal((LoopStatus.Paused, LoopStatus.Stopped), (paused["sensor"], paused["done"]));

        run.Apply(new RunCommand.Resume());
        Assert.Equal((LoopStatus.Running, LoopStatus.Stopped), (run.State.Loops["sensor"], run.State.Loops["done"]));
    }

    [Fact]
    public void Refusals_ThrowRunConflict_AndChangeNothing()
    {
        var run = CoreRun.Of("""
            name: one
            nodes:
              only: { type: noop }
            """);
        run.Start();

        Refused<RunConflictException>(run, new RunCommand.Resume());
        run.Apply(new RunCommand.Pause());
        Refused<RunConflictException>(run, new RunCommand.Pause());
        Refused<RunConflictException>(run, new RunCommand.RetryNode("only", "e1"));
        Refused<RunNotFoundException>(run, new RunCommand.RetryNode("missing", "e1"));
        run.Apply(new RunCommand.Cancel("stop"));
        Refused<RunConflictException>(run, new RunCommand.Signal("late", null));
        Assert.Equal(RunStatus.Cancelled, run.State.Status);
    }

    [Fact]
    public void CommandsOtherThanStart_OnARunThatDoesNotExist_AreRefusedOrIgnored()
    {
        var run = CoreRun.Of("""
            name: one
            nodes:
              only: { type: noop }
            """);

        Assert.Throws<RunNotFoundException>(() => run.Apply(new RunCommand.Pause()));
        Assert.False(run.Apply(new RunCommand.RetriesDue()).Changed);
        Assert.False(run.State.Exists);
    }

    [Fact]
    public void ParallelAttempts_AreCapped_AndTheNextStartsWhenOneFinishes()
    {
        var run = CoreRun.Of(
            """
            name: wide
            state: { items: [1, 2, 3, 4, 5] }
            nodes:
              each: { type: noop, forEach: "state.items" }
            """,
            new EngineOptions { MaxParallelAttempts = 2 });

        run.Start();
        Assert.Equal(["launch each#1.1[0]", "launch each#1.1[1]"], run.Effects);
        run.Finish(run.Succeeded("each", item: 1));
        Assert.Equal(["launch each#1.1[2]"], run.Effects);
        run.Finish(run.Succeeded("each", item: 0), run.Succeeded("each", item: 2));
        Assert.Equal(["launch each#1.1[3]", "launch each#1.1[4]"], run.Effects);
    }

    [Fact]
    public void LoopThatErrorsBeforeTheNodesAreDone_StillFailsTheRun()
    {
        var run = CoreRun.Of("""
            name: loop-and-node
            loops:
              sink: { producer: { type: interval, every: 1s }, chain: [ { node: read } ] }
            nodes:
              read: { type: noop }
              work: { type: noop }
            """);
        run.Start();
        run.Apply(new RunCommand.LoopEnded("sink", LoopStatus.Error, "boom"));
        Assert.Equal(RunStatus.Running, run.State.Status);

        run.Finish(run.Succeeded("work"));

        Assert.Equal(RunStatus.Failed, run.State.Status);
        Assert.Contains("loop 'sink' stopped on an error", run.State.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Delays_HoldNoSlotOfTheBudget_SoTheyAllWaitAtOnce_AndOtherWorkStillStarts()
    {
        var run = CoreRun.Of(
            """
            name: waits
            state: { items: [1, 2, 3, 4, 5] }
            nodes:
              wait: { type: delay, duration: 3s, forEach: "state.items" }
              work: { type: noop }
              more: { type: noop }
              last: { type: noop }
            """,
            new EngineOptions { MaxParallelAttempts = 2 });

        run.Start();

        // Five timers and two pieces of work: a waiting delay is not work.
        Assert.Equal(
            ["launch wait#1.1[0]", "launch wait#1.1[1]", "launch wait#1.1[2]", "launch wait#1.1[3]", "launch wait#1.1[4]", "launch work#1.1", "launch more#1.1"],
            run.Effects);
        run.Finish(run.Succeeded("work"));
        Assert.Equal(["launch last#1.1"], run.Effects);
    }

    [Fact]
    public void ForEachElementFailure_FailsTheNode_AndCancelsTheRunningSiblings()
    {
        var run = CoreRun.Of("""
            name: wide
            state: { items: [1, 2, 3] }
            nodes:
              each: { type: noop, forEach: "state.items", retry: { maxAttempts: 1 } }
            """);
        run.Start();

        run.Finish(run.Failed("each", item: 1));

        Assert.Equal(["cancel each#1.1[0]", "cancel each#1.1[2]", "create error record r.each.1", "cancel all attempts"], run.Effects);
        Assert.Equal("element 1: broken", run.State.Nodes["each"].Error);
        Assert.Equal(RunStatus.Failed, run.State.Status);
    }

    [Fact]
    public void StateChanges_NameTheNodesTheyTouched()
    {
        var run = CoreRun.Of("""
            name: diamond
            nodes:
              start: { type: noop }
              left:  { type: noop, dependsOn: [start] }
              right: { type: noop, dependsOn: [start] }
            """);

        Assert.Equal(["start"], run.Start().ChangedNodes.Order());
        Assert.Equal(["left", "right", "start"], run.Finish(run.Succeeded("start", new JsonObject())).ChangedNodes.Order());
    }

    private static void Refused<TException>(CoreRun run, RunCommand command)
        where TException : Exception
    {
        var (seq, status, node) = (run.State.EventSeq, run.State.Status, run.State.Nodes["only"].Status);
        Assert.Throws<TException>(() => run.Apply(command));
        Assert.Equal((seq, status, node), (run.State.EventSeq, run.State.Status, run.State.Nodes["only"].Status));
    }

    private static TimeSpan FirstRetryDelay(int seed)
    {
        var run = CoreRun.Of(Jittery, seed: seed);
        run.Start();
        run.Finish(run.Failed("call"));
        return run.Last!.Effects.OfType<RunEffect.ArmReminder>().Single().Due;
    }
}
