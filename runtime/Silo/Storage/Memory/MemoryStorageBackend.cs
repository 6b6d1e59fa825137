using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Storage.Memory;

/// <summary>Keeps everything in process memory: nothing survives the process. For tests and throwaway silos.</summary>
public sealed class MemoryStorageBackend : IStorageBackend
{
    private readonly MemoryGrainStorage _grains = new();
    private readonly MemoryReminderTable _reminders = new();
    private readonly MemoryStreamStore _streams = new();

    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public IGrainStorage Grains => _grains;

    /// <inheritdoc/>
    public IReminderTable Reminders => _reminders;

    /// <inheritdoc/>
    public IStreamStore Streams => _streams;

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
