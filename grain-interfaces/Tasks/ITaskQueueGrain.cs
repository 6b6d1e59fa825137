using System.Text.Json.Nodes;
using Orleans.Concurrency;

namespace Orchestrator.Tasks;

/// <summary>One named task queue of remote workers (key: the queue's name): the tasks of <c>worker</c> nodes, pending in
/// order of readiness and claimed by worker processes, which send heartbeats and complete or fail them. Every change is
/// written before it is answered. A task id names one attempt of one node; a retry is a new task.</summary>
public interface ITaskQueueGrain : IGrainWithStringKey
{
    /// <summary>Claims the task that has been ready longest for <paramref name="worker"/>; null when none is pending.
    /// Never waits: the HTTP API's long poll waits between calls.</summary>
    Task<TaskClaim?> TryClaimAsync(string worker);

    /// <summary>Records a heartbeat of a claimed task (with optional progress <paramref name="details"/>) and says whether
    /// its run or node was cancelled.</summary>
    /// <exception cref="TaskNotFoundException">No task of that id ever existed on this queue.</exception>
    /// <exception cref="TaskConflictException">The task ended (its claim lapsed and was taken over, or it completed).</exception>
    Task<TaskHeartbeatReply> HeartbeatAsync(string taskId, JsonNode? details);

    /// <summary>Completes a claimed task with <paramref name="output"/>, which becomes the node's output.</summary>
    /// <exception cref="TaskNotFoundException">No task of that id ever existed on this queue.</exception>
    /// <exception cref="TaskConflictException">The task ended already; nothing changes.</exception>
    Task CompleteAsync(string taskId, JsonNode? output);

    /// <summary>Fails a claimed task; the node's retry policy decides what follows.</summary>
    /// <exception cref="TaskNotFoundException">No task of that id ever existed on this queue.</exception>
    /// <exception cref="TaskConflictException">The task ended already; nothing changes.</exception>
    Task FailAsync(string taskId, string error);

    /// <summary>The queue now: its pending and claimed tasks and the workers seen lately.</summary>
    [ReadOnly]
    Task<TaskQueueSnapshot> GetAsync();
}
