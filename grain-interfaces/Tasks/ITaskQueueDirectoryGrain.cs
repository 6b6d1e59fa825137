using Orleans.Concurrency;

namespace Orchestrator.Tasks;

/// <summary>The names of every task queue that has had a task (one grain, key <see cref="Key"/>), so that queues and
/// their workers can be listed without scanning grains.</summary>
public interface ITaskQueueDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The directory's one key.</summary>
    const string Key = "all";

    /// <summary>Adds <paramref name="queue"/> (adding one known already does nothing).</summary>
    Task RegisterAsync(string queue);

    /// <summary>Every queue name, in order.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
