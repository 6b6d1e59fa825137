using Orchestrator.Providers.Queues;
using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>One storage backend (memory, sqlite, postgres): the stores a silo needs, opened and migrated together.</summary>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary>The backend's name as given to <c>--storage</c>.</summary>
    string Name { get; }

    /// <summary>Grain states, through Orleans' storage provider interface.</summary>
    IGrainStorage Grains { get; }

    /// <summary>The journals and query views written with grain states.</summary>
    IGrainStateQueries Queries { get; }

    /// <summary>Orleans' reminder table.</summary>
    IReminderTable Reminders { get; }

    /// <summary>Durable queue items, consumer offsets and dead letters.</summary>
    IQueueStore Queues { get; }

    /// <summary>The audit log's records.</summary>
    IAuditStore Audit { get; }

    /// <summary>Opens the store and creates or migrates its schema. Called once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store does not answer a trivial query.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Completes once every write accepted so far is durable.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
