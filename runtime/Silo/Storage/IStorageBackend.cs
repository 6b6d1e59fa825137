using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Storage;

/// <summary>One storage backend (memory, sqlite, postgres): the stores the silo needs, opened and migrated together.</summary>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary>The backend's name as given to <c>--storage</c>.</summary>
    string Name { get; }

    /// <summary>Grain states and query views.</summary>
    IGrainStorage Grains { get; }

    /// <summary>Durable reminders.</summary>
    IReminderTable Reminders { get; }

    /// <summary>Durable stream items, consumer offsets and dead letters.</summary>
    IStreamStore Streams { get; }

    /// <summary>Opens the store and creates or migrates its schema. Called once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store does not answer a trivial query.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Completes once every write accepted so far is durable.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
