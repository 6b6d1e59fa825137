using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>Progress recorded by running attempts, through the engine's core alone.</summary>
public sealed class AttemptProgressTests
{
    private const string Flaky = """
        name: flaky
        nodes:
          a: { type: fail, times: 1, retry: { maxAttempts: 2, initialDelay: 1s } }
        """;

    [Fact]
    public void Progress_IsStoredAnnouncedAndHandedToTheNextAttempt()
    {
        var run = CoreRun.Of(Flaky);
        run.Start();

        var recorded = run.Apply(new RunCommand.AttemptProgressed(Progress(run, "a", new JsonObject { ["threadId"] = "t-1" })));

        Assert.True(recorded.Changed);
        Assert.Equal("t-1", run.State.Nodes["a"].Progress!.Data["threadId"]!.GetValue<string>());
        var announced = Assert.Single(recorded.Events);
        Assert.Equal(RunEventTypes.NodeProgress, announced.Type);
        Assert.Equal("t-1", announced.Data!["progress"]!["threadId"]!.GetValue<string>());
        Assert.Equal("t-1", run.State.ToSnapshot().Nodes["a"].Progress!["threadId"]!.GetValue<string>());

        run.Finish(run.Failed("a"));
        var retry = run.RetriesDueAt(TimeSpan.FromSeconds(1));

        var launch = Assert.Single(retry.Effects.OfType<RunEffect.LaunchAttempt>());
        Assert.Equal(2, launch.Key.Attempt);
        Assert.Equal("t-1", launch.Invocation.Progress!["threadId"]!.GetValue<string>());
        Assert.False(launch.Invocation.Resumed);
    }

    [Fact]
    public void Progress_IsIgnored_WhenItsAttemptIsNotTheCurrentOne()
    {
        var run = CoreRun.Of(Flaky);
        run.Start();

        var stale = run.Apply(new RunCommand.AttemptProgressed(Progress(run, "a", new JsonObject { ["jobId"] = "j" }) with { Attempt = 2 }));

        Assert.False(stale.Changed);
        Assert.Null(run.State.Nodes["a"].Progress);
    }

    [Fact]
    public void Recover_ResumesAWaitingAttempt_AsTheSameAttempt()
    {
        var run = CoreRun.Of(Flaky);
        run.Start();
        run.Apply(new RunCommand.AttemptProgressed(Progress(run, "a", new JsonObject { ["jobId"] = "j-7" }) with { Waiting = true }));

        var recovered = run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?>()));

        var launch = Assert.Single(recovered.Effects.OfType<RunEffect.LaunchAttempt>());
        Assert.Equal(1, launch.Key.Attempt);
        Assert.True(launch.Invocation.Resumed);
        Assert.Equal("r/a/1/1", launch.Invocation.IdempotencyKey);
        Assert.Equal("j-7", launch.Invocation.Progress!["jobId"]!.GetValue<string>());
        Assert.Equal(1, run.State.Nodes["a"].Attempts);
        Assert.Equal(NodeStatus.Running, run.State.Nodes["a"].Status);
        var summary = Assert.Single(recovered.Events, e => e.Type == RunEventTypes.RunRecovered);
        Assert.Equal(1, summary.Data!["resumedAttempts"]!.GetValue<int>());
        Assert.Equal(0, summary.Data!["interruptedAttempts"]!.GetValue<int>());
    }

    [Fact]
    public void Recover_RetriesAnAttemptWhoseProgressDoesNotWait()
    {
        var run = CoreRun.Of(Flaky);
        run.Start();
        run.Apply(new RunCommand.AttemptProgressed(Progress(run, "a", new JsonObject { ["threadId"] = "t" })));

        var recovered = run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?>()));

        Assert.Equal(2, Assert.Single(recovered.Effects.OfType<RunEffect.LaunchAttempt>()).Key.Attempt);
    }

    [Fact]
    public void WaitingAttempt_GivesItsParallelSlotBack()
    {
        var run = CoreRun.Of("""
            name: two
            nodes:
              a: { type: noop }
              b: { type: noop }
            """, new EngineOptions { MaxParallelAttempts = 1 });
        var started = run.Start();
        Assert.Equal(["a"], started.Effects.OfType<RunEffect.LaunchAttempt>().Select(l => l.Key.Node));

        var waiting = run.Apply(new RunCommand.AttemptProgressed(Progress(run, "a", new JsonObject { ["jobId"] = "j" }) with { Waiting = true }));

        Assert.Equal(["b"], waiting.Effects.OfType<RunEffect.LaunchAttempt>().Select(l => l.Key.Node));
    }

    private static NodeAttemptProgress Progress(CoreRun run, string node, JsonObject data)
    {
        var result = run.Result(node);
        return new NodeAttemptProgress { Node = node, Iteration = result.Iteration, Attempt = result.Attempt, Data = data };
    }
}
