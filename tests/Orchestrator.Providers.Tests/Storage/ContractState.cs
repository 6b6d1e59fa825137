using System.Text.Json.Serialization;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>The state the contract suite writes: a payload, and the view rows and journal entries that go with it.</summary>
public sealed class ContractState : IQueryViewSource, ITrimmedJournalSource
{
    public string Payload { get; set; } = "";

    /// <summary>Null leaves the grain's view rows as they are.</summary>
    [JsonIgnore]
    public IReadOnlyList<ViewRow>? Views { get; set; }

    [JsonIgnore]
    public IReadOnlyList<JournalEntry> Journal { get; set; } = [];

    [JsonIgnore]
    public IReadOnlyList<JournalEntry> PendingJournal => Journal;

    /// <summary>The lowest journal sequence the next write keeps (the least value keeps all).</summary>
    [JsonIgnore]
    public long JournalKeepsFrom { get; set; } = long.MinValue;

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId) => Views ?? [];

    public void JournalWritten(int count) => Journal = Journal.Skip(count).ToList();
}
