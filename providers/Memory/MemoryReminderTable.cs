using System.Globalization;

namespace Orchestrator.Providers.Memory;

/// <summary>Orleans' reminder table in a dictionary behind one lock; nothing survives the process.</summary>
internal sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _entries = [];
    private long _lastEtag;

    /// <inheritdoc/>
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Read(entry => entry.GrainId == grainId);

    /// <inheritdoc/>
    /// <remarks>The range is the ring's arc (begin, end]; when begin is not below end it wraps past the top.</remarks>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Read(entry =>
        {
            var hash = entry.GrainId.GetUniformHashCode();
            return begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
        });

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue((grainId, reminderName), out var entry) ? Copy(entry) : null);
        }
    }

    /// <inheritdoc/>
    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            var stored = Copy(entry);
            stored.ETag = (++_lastEtag).ToString(CultureInfo.InvariantCulture);
            _entries[(entry.GrainId, entry.ReminderName)] = stored;
            return Task.FromResult<string?>(stored.ETag);
        }
    }

    /// <inheritdoc/>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (_lock)
        {
            var key = (grainId, reminderName);
            var removed = _entries.TryGetValue(key, out var entry) && entry.ETag == eTag && _entries.Remove(key);
            return Task.FromResult(removed);
        }
    }

    /// <inheritdoc/>
    public Task TestOnlyClearTable()
    {
        lock (_lock)
        {
            _entries.Clear();
            return Task.CompletedTask;
        }
    }

    private Task<ReminderTableData> Read(Func<ReminderEntry, bool> predicate)
    {
        lock (_lock)
        {
            return Task.FromResult(new ReminderTableData(_entries.Values.Where(predicate).Select(Copy).ToList()));
        }
    }

    /// <summary>Entries are mutable classes: callers get copies, so nothing they change reaches the table.</summary>
    private static ReminderEntry Copy(ReminderEntry entry) => new()
    {
        GrainId = entry.GrainId,
        ReminderName = entry.ReminderName,
        StartAt = DateTimeOffset.FromUnixTimeMilliseconds(
            new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds()).UtcDateTime,
        Period = entry.Period,
        ETag = entry.ETag,
    };
}
