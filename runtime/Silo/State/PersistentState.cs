using System.Text.Json;
using Orchestrator.Runtime.Storage;

namespace Orchestrator.Runtime.State;

/// <summary>A grain's durable state record, bound to one storage.</summary>
internal sealed class PersistentState<TState>(GrainId grainId, string stateName, IGrainStorage storage, JsonSerializerOptions json)
    : IPersistentState<TState>, IActivationStateLoader
    where TState : new()
{
    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists => Etag is not null;

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var record = await storage.ReadAsync(grainId, stateName, cancellationToken);
        if (record is null)
        {
            State = new TState();
            Etag = null;
            return;
        }

        try
        {
            State = JsonSerializer.Deserialize<TState>(record.Payload, json) ?? new TState();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"State '{stateName}' of grain {grainId} could not be read as {typeof(TState).Name}: {e.Message}", e);
        }

        Etag = record.Etag;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var payload = JsonSerializer.Serialize(State, json);
        var views = (State as IQueryViewSource)?.GetViewRows(grainId);
        var journalSource = State as IJournalSource;
        var journal = journalSource?.PendingJournal is { Count: > 0 } pending ? pending.ToArray() : null;
        Etag = await storage.WriteAsync(new GrainStateWrite(grainId, stateName, payload, Etag, views, journal), cancellationToken);
        if (journal is not null)
        {
            journalSource!.JournalWritten(journal.Length);
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ClearAsync(grainId, stateName, Etag, cancellationToken);
        State = new TState();
        Etag = null;
    }

    Task IActivationStateLoader.LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);
}
