using System.Globalization;
using System.Text;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>How a write's journal entries share one row of <c>grain_journal</c> (schema version 4): the entries' texts
/// one after another in <c>payload</c>, and in <c>entries</c> each one's sequence and where its text ends
/// (<c>seq:end,seq:end,…</c>). A row of one entry is stored as before, with <c>entries</c> null.</summary>
internal static class SqliteJournalRows
{
    /// <summary>The payload and index of one row holding <paramref name="journal"/> (in ascending sequence order).</summary>
    public static (string Payload, string Entries) Pack(IReadOnlyList<JournalEntry> journal)
    {
        var payload = new StringBuilder();
        var entries = new StringBuilder();
        foreach (var entry in journal)
        {
            payload.Append(entry.Payload);
            entries.Append(entries.Length == 0 ? "" : ",")
                .Append(entry.Sequence.ToString(CultureInfo.InvariantCulture))
                .Append(':')
                .Append(payload.Length.ToString(CultureInfo.InvariantCulture));
        }

        return (payload.ToString(), entries.ToString());
    }

    /// <summary>Adds the entries of one row to <paramref name="into"/>: <paramref name="entries"/> null for a row of one
    /// entry.</summary>
    public static void Unpack(long sequence, string payload, string? entries, List<JournalEntry> into)
    {
        if (entries is null)
        {
            into.Add(new JournalEntry(sequence, payload));
            return;
        }

        var from = 0;
        var index = entries.AsSpan();
        foreach (var range in index.Split(','))
        {
            var entry = index[range];
            var colon = entry.IndexOf(':');
            var seq = long.Parse(entry[..colon], NumberStyles.None, CultureInfo.InvariantCulture);
            var end = int.Parse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            into.Add(new JournalEntry(seq, payload[from..end]));
            from = end;
        }
    }

    /// <summary>True when the entries rise strictly, so that one row can hold them as a range.</summary>
    public static bool Ascending(IReadOnlyList<JournalEntry> journal)
    {
        for (var i = 1; i < journal.Count; i++)
        {
            if (journal[i].Sequence <= journal[i - 1].Sequence)
            {
                return false;
            }
        }

        return true;
    }
}
