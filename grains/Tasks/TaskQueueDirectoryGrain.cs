namespace Orchestrator.Tasks;

/// <inheritdoc cref="ITaskQueueDirectoryGrain"/>
[GrainType("task-queue-directory")]
internal sealed class TaskQueueDirectoryGrain(
    [PersistentState("taskqueues")] IPersistentState<TaskQueueDirectoryState> store) : Grain, ITaskQueueDirectoryGrain
{
    public async Task RegisterAsync(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        if (store.State.Queues.Add(queue))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. store.State.Queues]);
}
