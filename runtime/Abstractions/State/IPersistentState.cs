namespace Orchestrator.Runtime;

/// <summary>Durable state of a grain, read on activation and written explicitly. Writes are ETag-checked: a write
/// based on a stale read throws <see cref="InconsistentStateException"/> and leaves the stored state untouched.</summary>
/// <typeparam name="TState">A type System.Text.Json can round-trip.</typeparam>
public interface IPersistentState<TState>
    where TState : new()
{
    /// <summary>The in-memory state. Changes are durable only after <see cref="WriteStateAsync"/> completes.</summary>
    TState State { get; set; }

    /// <summary>The ETag of the stored record this state was read from or last written as; null when none exists.</summary>
    string? Etag { get; }

    /// <summary>True when a stored record exists.</summary>
    bool RecordExists { get; }

    /// <summary>Reads the stored state again, replacing <see cref="State"/>.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; completes once the write is durable.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
