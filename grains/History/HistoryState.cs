using System.Text.Json.Serialization;
using Orchestrator.Providers.Storage;

namespace Orchestrator.History;

/// <summary>Persisted state of a <see cref="HistoryGrain"/>: where its journal of samples stands.</summary>
internal sealed class HistoryState : ITrimmedJournalSource
{
    private readonly List<JournalEntry> _pending = [];

    /// <summary>The sequence of the newest sample.</summary>
    public long LastSequence { get; set; }

    /// <inheritdoc/>
    public long JournalKeepsFrom { get; set; } = long.MinValue;

    [JsonIgnore]
    public IReadOnlyList<JournalEntry> PendingJournal => _pending;

    /// <summary>Adds a sample, durable with the next write, which also drops those below <paramref name="keepsFrom"/>.</summary>
    public void Append(long sequence, string payload, long keepsFrom)
    {
        _pending.Add(new JournalEntry(sequence, payload));
        LastSequence = sequence;
        JournalKeepsFrom = keepsFrom;
    }

    public void JournalWritten(int count) => _pending.RemoveRange(0, count);
}
