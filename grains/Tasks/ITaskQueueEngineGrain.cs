using Orchestrator.Tasks;

namespace Orchestrator.Tasks;

/// <summary>What the engine tells a task queue (key: the queue's name), on the same grain as <see cref="ITaskQueueGrain"/>.
/// Internal to the grains: workers, clients and the API never see it.</summary>
internal interface ITaskQueueEngineGrain : IGrainWithStringKey
{
    /// <summary>Puts a task on the queue and returns its id; a task with the same idempotency key that is still on the
    /// queue is returned instead of a second one.</summary>
    Task<string> EnqueueAsync(NewWorkerTask task);

    /// <summary>The task's run or node was cancelled: a pending task leaves the queue, a claimed one is marked so that the
    /// worker's next heartbeat learns it. A task that ended already is left alone.</summary>
    Task CancelTaskAsync(string taskId, string reason);

    /// <summary>True while the task is on the queue (pending or claimed). Activating the queue also arms its deadlines,
    /// so that a claim that lapsed while the silo was down is failed now.</summary>
    Task<bool> ContainsAsync(string taskId);
}
