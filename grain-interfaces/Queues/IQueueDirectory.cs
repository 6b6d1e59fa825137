namespace Orchestrator.Queues;

/// <summary>Reads the named queues that connect loops (a silo service, not a grain: queues are durable streams).</summary>
public interface IQueueDirectory
{
    /// <summary>Every queue that holds messages or has consumers, by name.</summary>
    Task<IReadOnlyList<QueueInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One queue, or null when nothing was ever pushed to it and nothing reads it.</summary>
    Task<QueueInfo?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>The queue's dead letters, oldest first.</summary>
    Task<IReadOnlyList<QueueDeadLetter>> GetDeadLettersAsync(string name, int limit, CancellationToken cancellationToken);
}
