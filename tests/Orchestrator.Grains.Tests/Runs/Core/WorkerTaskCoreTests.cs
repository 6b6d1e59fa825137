using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Tasks;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>The core's side of <c>worker</c> nodes, without a host: an attempt hands off to a task and waits without a
/// slot; the task's end is the attempt's result; a restart keeps the node waiting; the run's end cancels the task.</summary>
public sealed class WorkerTaskCoreTests
{
    private const string ForEach = """
        name: tasks
        nodes:
          work: { type: worker, queue: q, forEach: "[1, 2, 3]", retry: { maxAttempts: 2, initialDelay: 1s } }
        """;

    private const string Single = """
        name: task
        nodes:
          work: { type: worker, queue: q, retry: { maxAttempts: 2, initialDelay: 1s } }
        """;

    [Fact]
    public void QueuedTask_HoldsNoSlotOfTheParallelBudget_AndItsEndCompletesTheElement()
    {
        var run = CoreRun.Of(ForEach, new EngineOptions { MaxParallelAttempts = 1 });

        var started = run.Start();
        var afterFirst = run.Finish(Queued(run, "q:1", item: 0));
        var afterSecond = run.Finish(Queued(run, "q:2", item: 1));
        run.Finish(Queued(run, "q:3", item: 2));
        run.Finish(Ended(run, "q:2", item: 1, succeeded: true), Ended(run, "q:1", item: 0, succeeded: true), Ended(run, "q:3", item: 2, succeeded: true));

        Assert.Single(started.Effects.OfType<RunEffect.LaunchAttempt>());
        Assert.Equal(1, Assert.Single(afterFirst.Effects.OfType<RunEffect.LaunchAttempt>()).Key.ItemIndex);
        Assert.Equal(2, Assert.Single(afterSecond.Effects.OfType<RunEffect.LaunchAttempt>()).Key.ItemIndex);
        Assert.Equal(RunStatus.Completed, run.State.Status);
        Assert.Equal([1, 2, 3], run.State.Nodes["work"].Output!.AsArray().Select(o => o!["n"]!.GetValue<int>()));
        Assert.Contains(run.Log, e => e.Type == RunEventTypes.System && e.Data?["taskId"]?.GetValue<string>() == "q:1");
    }

    [Fact]
    public void TaskEnd_ArrivingBeforeTheQueuedReport_CompletesTheNode_AndTheLateReportIsIgnored()
    {
        var run = CoreRun.Of(Single);
        run.Start();
        var queued = Queued(run, "q:7");

        run.Finish(Ended(run, "q:7", succeeded: true));
        var late = run.Finish(queued);

        Assert.Equal(RunStatus.Completed, run.State.Status);
        Assert.False(late.Changed);
    }

    [Fact]
    public void LostTask_IsRetriedByThePolicy_AsANewAttempt_AndTheOldAttemptsEndIsIgnored()
    {
        var run = CoreRun.Of(Single);
        run.Start();
        run.Finish(Queued(run, "q:1"));
        var lost = Ended(run, "q:1", succeeded: false, error: "worker lost: no heartbeat from worker 'w1' for 30s");

        var failed = run.Finish(lost);
        run.RetriesDueAt(TimeSpan.FromSeconds(1));
        var stale = run.Finish(lost with { Succeeded = true, Error = null });

        Assert.Contains(failed.Events, e => e.Type == RunEventTypes.NodeRetryScheduled && e.Data!["error"]!.GetValue<string>().StartsWith("worker lost", StringComparison.Ordinal));
        Assert.Null(run.State.Nodes["work"].TaskId);
        Assert.Equal((NodeStatus.Running, 2), (run.State.Nodes["work"].Status, run.State.Nodes["work"].Attempts));
        Assert.False(stale.Changed);
    }

    [Fact]
    public void Recover_KeepsANodeWaitingForItsTask_AndAsksTheQueue()
    {
        var run = CoreRun.Of(Single);
        run.Start();
        run.Finish(Queued(run, "q:4"));

        var recovered = run.Apply(new RunCommand.Recover(new Dictionary<string, RunSnapshot?>()));

        var check = Assert.Single(recovered.Effects.OfType<RunEffect.CheckWorkerTask>());
        Assert.Equal(("q:4", new AttemptKey("work", 1, 1, null)), (check.TaskId, check.Key));
        Assert.Empty(recovered.Effects.OfType<RunEffect.LaunchAttempt>());
        Assert.Equal((NodeStatus.Running, 1, "q:4"), (run.State.Nodes["work"].Status, run.State.Nodes["work"].Attempts, run.State.Nodes["work"].TaskId));
    }

    [Fact]
    public void Cancel_CancelsTheTasksTheRunWaitsFor()
    {
        var run = CoreRun.Of(ForEach);
        run.Start();
        run.Finish(Queued(run, "q:1", item: 0), Queued(run, "q:2", item: 1));

        var cancelled = run.Apply(new RunCommand.Cancel("enough"));

        Assert.Equal(["q:1", "q:2"], cancelled.Effects.OfType<RunEffect.CancelWorkerTask>().Select(c => c.TaskId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Progress_OfTheCurrentTask_ShowsOnTheNode_AndOfAnOtherTaskDoesNot()
    {
        var run = CoreRun.Of(Single);
        run.Start();
        run.Finish(Queued(run, "q:1"));

        var other = run.Apply(new RunCommand.TaskProgressed(Progress("q:9", 1)));
        run.Apply(new RunCommand.TaskProgressed(Progress("q:1", 1)));

        Assert.False(other.Changed);
        Assert.Equal(40, run.State.ToSnapshot().Nodes["work"].Task!.Details!["percent"]!.GetValue<int>());
    }

    private static WorkerTaskProgress Progress(string taskId, int attempt) => new()
    {
        TaskId = taskId,
        Node = "work",
        Attempt = attempt,
        Worker = "w1",
        At = CoreRun.T0,
        Details = new JsonObject { ["percent"] = 40 },
    };

    /// <summary>The executor's report that the current attempt queued <paramref name="taskId"/>.</summary>
    private static NodeAttemptResult Queued(CoreRun run, string taskId, int? item = null) =>
        run.Result("work", item) with { Succeeded = true, AwaitingTask = taskId };

    /// <summary>The queue's report that <paramref name="taskId"/> ended (its output echoes the element's number).</summary>
    private static NodeAttemptResult Ended(CoreRun run, string taskId, int? item = null, bool succeeded = true, string? error = null) =>
        run.Result("work", item) with
        {
            Succeeded = succeeded,
            Error = error,
            Output = succeeded ? new JsonObject { ["n"] = (item ?? 0) + 1 } : null,
            AwaitingTask = taskId,
            TaskFinished = true,
        };
}
