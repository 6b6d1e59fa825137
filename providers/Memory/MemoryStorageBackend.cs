using System.Text.Json;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Memory;

/// <summary>Keeps everything in process memory: nothing survives the process. For tests and throwaway silos.</summary>
public sealed class MemoryStorageBackend : IStorageBackend
{
    private readonly JsonGrainStorage _grains;

    /// <summary>A new, empty backend.</summary>
    public MemoryStorageBackend(JsonSerializerOptions? json = null) =>
        _grains = new JsonGrainStorage(new MemoryStateStore(), json ?? StorageJson.CreateOptions());

    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public IGrainStorage Grains => _grains;

    /// <inheritdoc/>
    public IGrainStateQueries Queries => _grains;

    /// <inheritdoc/>
    public IReminderTable Reminders { get; } = new MemoryReminderTable();

    /// <inheritdoc/>
    public IQueueStore Queues { get; } = new MemoryQueueStore();

    /// <inheritdoc/>
    public IAuditStore Audit { get; } = new MemoryAuditStore();

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
