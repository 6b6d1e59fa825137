using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Tests.Cluster;

/// <summary>A state that journals each change and keeps a row in the <c>ledgers</c> view, keyed by the total's parity.</summary>
public sealed class LedgerState : IJournalSource, IQueryViewSource
{
    private readonly List<JournalEntry> _pending = [];

    public int Total { get; set; }

    public long LastSequence { get; set; }

    [JsonIgnore]
    public IReadOnlyList<JournalEntry> PendingJournal => _pending;

    public void Add(int amount, string note)
    {
        Total += amount;
        _pending.Add(new JournalEntry(++LastSequence, JsonSerializer.Serialize(new { amount, note })));
    }

    public void JournalWritten(int count) => _pending.RemoveRange(0, count);

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId) =>
        [new ViewRow("ledgers", Total % 2 == 0 ? "even" : "odd", "", DateTimeOffset.UnixEpoch.AddSeconds(Total), Total.ToString(CultureInfo.InvariantCulture))];
}
