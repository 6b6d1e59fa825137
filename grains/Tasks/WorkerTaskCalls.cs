using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Tasks;

/// <summary>The calls a run makes to task queues, outside its turns (see <c>RunGrainCalls</c>).</summary>
internal static class WorkerTaskCalls
{
    /// <summary>Cancels the task on its queue.</summary>
    public static Task CancelAsync(IGrainFactory grains, string taskId, string reason) =>
        TaskIds.TryParse(taskId, out var queue, out _)
            ? grains.GetGrain<ITaskQueueEngineGrain>(queue).CancelTaskAsync(taskId, reason)
            : Task.CompletedTask;

    /// <summary>Asks the task's queue whether it still holds the task; when it does not (the task ended and its end did
    /// not reach the run, or it was never stored), the attempt fails as lost and the run retries it by its policy. A
    /// task whose end was delivered already makes this report stale, and the run ignores it.</summary>
    public static async Task CheckAsync(IGrainFactory grains, string runId, string taskId, AttemptKey key)
    {
        if (TaskIds.TryParse(taskId, out var queue, out _) && await grains.GetGrain<ITaskQueueEngineGrain>(queue).ContainsAsync(taskId))
        {
            return;
        }

        await grains.GetGrain<IRunEngineGrain>(runId).NodeAttemptFinishedAsync(new NodeAttemptResult
        {
            Node = key.Node,
            Iteration = key.Iteration,
            Attempt = key.Attempt,
            ItemIndex = key.ItemIndex,
            Error = $"task {taskId} was lost: its queue no longer holds it",
            AwaitingTask = taskId,
            TaskFinished = true,
        });
    }
}
