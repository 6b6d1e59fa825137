namespace Orchestrator.Providers.Storage;

/// <summary>Implemented by a grain state type that appends journal entries with its writes: the entries pending when
/// the state is written are stored in the same transaction as the state.</summary>
public interface IJournalSource
{
    /// <summary>Entries to append with the next write.</summary>
    IReadOnlyList<JournalEntry> PendingJournal { get; }

    /// <summary>Called once the entries are durable: they are no longer pending.</summary>
    void JournalWritten(int count);
}
