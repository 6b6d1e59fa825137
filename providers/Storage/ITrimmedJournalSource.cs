namespace Orchestrator.Providers.Storage;

/// <summary>A journal source that keeps only its recent entries: the entries with a sequence below
/// <see cref="JournalKeepsFrom"/> are deleted in the same transaction as the next write (a rolling history).</summary>
public interface ITrimmedJournalSource : IJournalSource
{
    /// <summary>The lowest sequence to keep.</summary>
    long JournalKeepsFrom { get; }
}
