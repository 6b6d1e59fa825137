using Orchestrator.Definitions;
using Orchestrator.Loops;
using Orchestrator.Loops.Engine;
using Orchestrator.Loops.Producers;
using Orchestrator.Runs;
using static Orchestrator.Grains.Tests.Loops.Core.CoreLoop;

namespace Orchestrator.Grains.Tests.Loops.Core;

/// <summary>The loop's lifecycle rules as a table, with no host: each row applies one command to a loop in a given state
/// and compares the state reached and every effect, in order.</summary>
public sealed class LoopLifecycleCoreTests
{
    private const string Queue = "readings";
    private static readonly string Consumer = QueueProducer.ConsumerOf(Id);

    private sealed record Row(LoopStatus From, string? Queue, LoopCommand Command, LoopStatus To, string? Reason, string[] Effects);

    private static readonly Dictionary<string, Row> Table = new(StringComparer.Ordinal)
    {
        ["pause: a running loop pauses its runner, then writes"] = new(LoopStatus.Running, null, new LoopCommand.Pause("maintenance"), LoopStatus.Paused, "maintenance",
            ["pause runner", "log info: paused: maintenance", "write"]),
        ["pause: without a reason the reason is 'paused'"] = new(LoopStatus.Running, null, new LoopCommand.Pause(" "), LoopStatus.Paused, "paused",
            ["pause runner", "log info: paused: paused", "write"]),
        ["pause: a paused loop stays as it is"] = new(LoopStatus.Paused, null, new LoopCommand.Pause("again"), LoopStatus.Paused, "as stored", []),
        ["resume: a paused loop writes, then opens its runner"] = new(LoopStatus.Paused, null, new LoopCommand.Resume(), LoopStatus.Running, null,
            ["log info: resumed", "write", "resume runner"]),
        ["resume: a running loop stays as it is"] = new(LoopStatus.Running, null, new LoopCommand.Resume(), LoopStatus.Running, null, []),
        ["stop: a running loop ends as stopped and tells its run"] = new(LoopStatus.Running, null, new LoopCommand.Stop(null), LoopStatus.Stopped, "stopped",
            ["stop runner", "log info: stopped: stopped", "write", "tell run r: main stopped (stopped)"]),
        ["stop: a paused queue loop ends and removes its consumer"] = new(LoopStatus.Paused, Queue, new LoopCommand.Stop("enough"), LoopStatus.Stopped, "enough",
            ["stop runner", "log info: stopped: enough", "write", $"remove consumer {Consumer} of {Queue}", "tell run r: main stopped (enough)"]),
        ["stop: an ended loop stays as it is"] = new(LoopStatus.Error, Queue, new LoopCommand.Stop("again"), LoopStatus.Error, "as stored", []),
        ["runner: its producer finishing ends the loop as stopped"] = new(LoopStatus.Running, null, new LoopCommand.RunnerEnded(LoopStatus.Stopped, "the producer finished"),
            LoopStatus.Stopped, "the producer finished", ["stop runner", "log info: stopped: the producer finished", "write", "tell run r: main stopped (the producer finished)"]),
        ["runner: an error ends the loop in error, logged as an error, and removes the consumer"] = new(LoopStatus.Running, Queue,
            new LoopCommand.RunnerEnded(LoopStatus.Error, "the producer failed: boom"), LoopStatus.Error, "the producer failed: boom",
            ["stop runner", "log error: stopped: the producer failed: boom", "write", $"remove consumer {Consumer} of {Queue}", "tell run r: main error (the producer failed: boom)"]),
        ["runner: an end without a reason is named after its status"] = new(LoopStatus.Running, null, new LoopCommand.RunnerEnded(LoopStatus.Error, null), LoopStatus.Error, "error",
            ["stop runner", "log error: stopped: error", "write", "tell run r: main error (error)"]),
        ["runner: an end reported after the loop ended is ignored"] = new(LoopStatus.Stopped, Queue, new LoopCommand.RunnerEnded(LoopStatus.Error, "late"), LoopStatus.Stopped, "as stored", []),
        ["runner: a pause (onError: pause) pauses a running loop"] = new(LoopStatus.Running, null, new LoopCommand.RunnerPaused("node 'check' failed"), LoopStatus.Paused, "node 'check' failed",
            ["pause runner", "log info: paused: node 'check' failed", "write"]),
        ["runner: a pause of a paused loop only checkpoints"] = new(LoopStatus.Paused, null, new LoopCommand.RunnerPaused("node 'check' failed"), LoopStatus.Paused, "as stored",
            ["write if changed"]),
        ["runner: a pause of an ended loop is ignored"] = new(LoopStatus.Error, null, new LoopCommand.RunnerPaused("late"), LoopStatus.Error, "as stored", []),
        ["runner: failing to start ends the loop in error and removes the consumer"] = new(LoopStatus.Running, Queue, new LoopCommand.RunnerFailedToStart("no class 'X'"),
            LoopStatus.Error, "the loop could not start: no class 'X'",
            ["stop runner", "log error: stopped: the loop could not start: no class 'X'", "write", $"remove consumer {Consumer} of {Queue}", "tell run r: main error (the loop could not start: no class 'X')"]),
        ["checkpoint: a running loop writes when its counters changed"] = new(LoopStatus.Running, null, new LoopCommand.Checkpoint(), LoopStatus.Running, null, ["write if changed"]),
        ["checkpoint: an ended loop writes nothing"] = new(LoopStatus.Stopped, null, new LoopCommand.Checkpoint(), LoopStatus.Stopped, "as stored", []),
        ["restart: a running loop resumes with a new runner, numbering above its reservation"] = new(LoopStatus.Running, Queue, new LoopCommand.Activated(RunStatus.Running),
            LoopStatus.Running, null, ["log info: resuming after the silo started again (running)", "write", "start runner above 1000"]),
        ["restart: a paused loop comes back paused"] = new(LoopStatus.Paused, null, new LoopCommand.Activated(RunStatus.Paused), LoopStatus.Paused, "as stored",
            ["log info: resuming after the silo started again (paused)", "write", "start runner paused above 1000"]),
        ["restart: a loop whose run finished while its stop was on its way ends, with no runner"] = new(LoopStatus.Running, Queue, new LoopCommand.Activated(RunStatus.Cancelled),
            LoopStatus.Stopped, "run r is cancelled",
            ["stop runner", "log info: stopped: run r is cancelled", "write", $"remove consumer {Consumer} of {Queue}", "tell run r: main stopped (run r is cancelled)"]),
        ["restart: a paused loop of a completed run ends too"] = new(LoopStatus.Paused, null, new LoopCommand.Activated(RunStatus.Completed), LoopStatus.Stopped, "run r is completed",
            ["stop runner", "log info: stopped: run r is completed", "write", "tell run r: main stopped (run r is completed)"]),
        ["restart: an ended loop starts no runner"] = new(LoopStatus.Stopped, Queue, new LoopCommand.Activated(RunStatus.Running), LoopStatus.Stopped, "as stored", []),
        ["retry: an error record's retry runs on the runner"] = new(LoopStatus.Running, null, new LoopCommand.RetryNode("check", 7, null, "e1"), LoopStatus.Running, null,
            ["log info: retrying for error record e1", "retry check#7 for e1"]),
        ["reservation: a higher limit is written"] = new(LoopStatus.Running, null, new LoopCommand.ReserveIterations(2_500), LoopStatus.Running, null, ["write"]),
        ["reservation: a limit at or below the reservation changes nothing"] = new(LoopStatus.Running, null, new LoopCommand.ReserveIterations(1_000), LoopStatus.Running, null, []),
    };

    public static TheoryData<string> Rows => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Command_GivesExactlyTheStateAndEffects_OfItsRow(string row)
    {
        var (from, queue, command, to, reason, expected) = Table[row];
        var loop = Stored(from, queue);

        var effects = Apply(loop, command);

        Assert.True(expected.SequenceEqual(effects), $"effects\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", effects)}");
        Assert.Equal((to, reason), (loop.Status, loop.Reason));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "stopped", "pause" }, { "stopped", "resume" }, { "stopped", "retry" },
        { "error", "pause" }, { "error", "resume" }, { "error", "retry" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void PauseResumeAndRetry_OfAnEndedLoop_AreRefusedWithTheLoopId_AndChangeNothing(string status, string action)
    {
        var loop = Stored(status == "error" ? LoopStatus.Error : LoopStatus.Stopped);
        LoopCommand command = action switch
        {
            "pause" => new LoopCommand.Pause("now"),
            "resume" => new LoopCommand.Resume(),
            _ => new LoopCommand.RetryNode("check", 1, null, "e1"),
        };

        var refused = Assert.Throws<LoopConflictException>(() => Apply(loop, command));

        Assert.Equal(Id, refused.LoopId);
        Assert.Contains($"Loop {Id} is {status}", refused.Message, StringComparison.Ordinal);
        Assert.Equal((status == "error" ? LoopStatus.Error : LoopStatus.Stopped, "as stored", T0), (loop.Status, loop.Reason, loop.StoppedAt));
    }

    [Fact]
    public void CommandsOfPeople_OnALoopThatDoesNotExist_AreRefused_AndThoseOfItsRunnerIgnored()
    {
        var loop = new LoopState();

        Assert.Throws<LoopNotFoundException>(() => Apply(loop, new LoopCommand.Pause(null)));
        Assert.Throws<LoopNotFoundException>(() => Apply(loop, new LoopCommand.Resume()));
        Assert.Throws<LoopNotFoundException>(() => Apply(loop, new LoopCommand.Stop(null)));
        Assert.Throws<LoopNotFoundException>(() => Apply(loop, new LoopCommand.RetryNode("check", 1, null, "e1")));
        Assert.Empty(Apply(loop, new LoopCommand.Checkpoint()));
        Assert.Empty(Apply(loop, new LoopCommand.RunnerEnded(LoopStatus.Error, "late")));
        Assert.Empty(Apply(loop, new LoopCommand.ReserveIterations(5_000)));
        Assert.Empty(Apply(loop, new LoopCommand.Activated(RunStatus.Running)));
        Assert.False(loop.Exists);
    }

    public static TheoryData<string> Ends => [.. EndCommands.Keys];

    private static readonly Dictionary<string, LoopCommand> EndCommands = new(StringComparer.Ordinal)
    {
        ["stopped by a person or the run"] = new LoopCommand.Stop("done"),
        ["its producer finished"] = new LoopCommand.RunnerEnded(LoopStatus.Stopped, "the producer finished"),
        ["its producer failed or onError: stop"] = new LoopCommand.RunnerEnded(LoopStatus.Error, "node 'check' failed"),
        ["its runner could not start"] = new LoopCommand.RunnerFailedToStart("no class 'X'"),
        ["its run had ended while it was away"] = new LoopCommand.Activated(RunStatus.Failed),
    };

    [Theory]
    [MemberData(nameof(Ends))]
    public void End_RemovesTheQueueConsumer_AfterTheWrite_AndBeforeTheRunIsTold_HoweverTheLoopEnds(string end)
    {
        foreach (var from in new[] { LoopStatus.Running, LoopStatus.Paused })
        {
            var loop = Stored(from, Queue);

            var effects = LoopLifecycle.Apply(loop, EndCommands[end], T0.AddMinutes(1)).Effects;

            Assert.True(loop.Status.IsEnded());
            Assert.Equal(T0.AddMinutes(1), loop.StoppedAt);
            var kinds = effects.Where(e => e is not LoopEffect.Log).Select(e => e.GetType().Name);
            Assert.Equal(["StopRunner", "WriteState", "RemoveQueueConsumer", "NotifyRunEnded"], kinds);
            var removal = Assert.Single(effects.OfType<LoopEffect.RemoveQueueConsumer>());
            Assert.Equal((Queue, "loop:r:main"), (removal.Queue, removal.Consumer));

            // A loop that reads no queue has no consumer to remove.
            var plain = Stored(from);
            Assert.DoesNotContain(LoopLifecycle.Apply(plain, EndCommands[end], T0).Effects, e => e is LoopEffect.RemoveQueueConsumer);
        }
    }

    [Fact]
    public void Start_CreatesTheLoopFromItsDefinition_AndStartsTheRunnerAfterTheReservationIsWritten()
    {
        var loop = new LoopState();

        var effects = Apply(loop, Start(Id));

        Assert.Equal(["log info: started: pool thread, producer queue, 2 node(s)", "write", "start runner above 0"], effects);
        Assert.Equal((Id, "r", "w", 3, "main"), (loop.Id, loop.RunId, loop.Workflow, loop.Version, loop.Loop));
        Assert.Equal(("thread", "queue", Queue, 100), (loop.Pool, loop.Producer, loop.Queue, loop.MaxInFlight));
        Assert.Equal((LoopStatus.Running, T0.AddMinutes(1), T0.AddMinutes(1)), (loop.Status, loop.CreatedAt, loop.StartedAt));
        Assert.Equal((1L, 1_000L), (loop.Epoch, loop.ReservedIterations));
    }

    [Fact]
    public void Start_OfALoopThatExists_ChangesNothing()
    {
        var loop = Stored(LoopStatus.Paused, Queue);

        Assert.Empty(Apply(loop, Start(Id)));
        Assert.Equal((LoopStatus.Paused, 1L), (loop.Status, loop.Epoch));
    }

    [Fact]
    public void Start_IsRefused_WhenTheKeyIsNotTheLoopsId_OrTheWorkflowHasNoSuchLoop()
    {
        var loop = new LoopState();

        Assert.Contains("its key must be r:main", Assert.Throws<ArgumentException>(() => Apply(loop, Start("r:other"))).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => Apply(loop, Start("r:absent", "absent")));
        Assert.Contains("has no loop 'absent'", missing.Message, StringComparison.Ordinal);
        Assert.False(loop.Exists);
    }

    [Fact]
    public void Restart_NumbersAboveEverythingAnEarlierRunnerMayHaveHandedOut_InANewEpoch()
    {
        var loop = Stored(LoopStatus.Running);
        loop.Epoch = 3;
        loop.ReservedIterations = 2_000;
        loop.Counters = new LoopCounterState { Iterations = 1_500 };

        Assert.Equal("start runner above 2000", Apply(loop, new LoopCommand.Activated(RunStatus.Running))[^1]);
        Assert.Equal((4L, 3_000L), (loop.Epoch, loop.ReservedIterations));

        // Counted beyond the reservation (stored by a checkpoint): numbering goes on above the count.
        loop.Counters = new LoopCounterState { Iterations = 3_200 };
        Assert.Equal("start runner above 3200", Apply(loop, new LoopCommand.Activated(RunStatus.Running))[^1]);
        Assert.Equal((5L, 4_200L), (loop.Epoch, loop.ReservedIterations));
    }

    [Fact]
    public void Reservations_OnlyRise_AndAreWrittenEachTimeTheyDo()
    {
        var loop = Stored(LoopStatus.Running);

        Assert.Equal(["write"], Apply(loop, new LoopCommand.ReserveIterations(1_500)));
        Assert.Empty(Apply(loop, new LoopCommand.ReserveIterations(1_200)));
        Assert.Equal(["write"], Apply(loop, new LoopCommand.ReserveIterations(3_000)));
        Assert.Equal(3_000, loop.ReservedIterations);
    }

    [Fact]
    public void RunnerEnded_WithAStatusThatIsNoEnd_IsAnArgumentError()
    {
        var loop = Stored(LoopStatus.Running);

        Assert.Throws<ArgumentException>(() => Apply(loop, new LoopCommand.RunnerEnded(LoopStatus.Paused, "?")));
        Assert.Equal(LoopStatus.Running, loop.Status);
    }

    [Theory]
    [InlineData(null, "Checkpoint")]
    [InlineData(LoopStatus.Running, "Checkpoint")]
    [InlineData(LoopStatus.Paused, "RunnerPaused")]
    [InlineData(LoopStatus.Stopped, "RunnerEnded")]
    [InlineData(LoopStatus.Error, "RunnerEnded")]
    public void WhatTheRunnerReports_IsTheCommandOfItsTransition(LoopStatus? transition, string command) =>
        Assert.Equal(command, LoopCommand.FromRunner(transition, "why").GetType().Name);

    private static LoopCommand.Start Start(string loopId, string loop = "main")
    {
        var loaded = DefinitionLoader.Load("""
            name: w
            loops:
              main:
                pool: thread
                producer: { type: queue, queue: readings }
                chain: [ { node: a }, { node: b, mode: nonblocking } ]
            nodes:
              a: { type: noop }
              b: { type: noop }
            """);
        Assert.True(loaded.IsValid);
        return new LoopCommand.Start(loopId, new StartLoop { RunId = "r", Workflow = "w", Version = 3, Loop = loop }, loaded.Definition!);
    }
}
