using System.Globalization;
using Orchestrator.Runtime.Reminders;

namespace Orchestrator.Runtime.Storage.Memory;

/// <summary>Reminders in a dictionary behind one lock.</summary>
internal sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _reminders = [];
    private long _lastEtag;

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(Ordered(_reminders.Values));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(Ordered(_reminders.Values.Where(entry => entry.GrainId == grainId)));
        }
    }

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_reminders.GetValueOrDefault((grainId, name)));
        }
    }

    /// <inheritdoc/>
    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var etag = NextEtag();
            _reminders[(entry.GrainId, entry.Name)] = entry with
            {
                FirstDueAt = UnixMilliseconds.Truncate(entry.FirstDueAt),
                DueAt = UnixMilliseconds.Truncate(entry.DueAt),
                Period = TimeSpan.FromMilliseconds((long)entry.Period.TotalMilliseconds),
                Etag = etag,
            };
            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc/>
    public Task<string?> UpdateDueAsync(GrainId grainId, string name, DateTimeOffset dueAt, string expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_reminders.TryGetValue((grainId, name), out var stored) || stored.Etag != expectedEtag)
            {
                return Task.FromResult<string?>(null);
            }

            var etag = NextEtag();
            _reminders[(grainId, name)] = stored with { DueAt = UnixMilliseconds.Truncate(dueAt), Etag = etag };
            return Task.FromResult<string?>(etag);
        }
    }

    /// <inheritdoc/>
    public Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_reminders.TryGetValue((grainId, name), out var stored) || (expectedEtag is not null && stored.Etag != expectedEtag))
            {
                return Task.FromResult(false);
            }

            return Task.FromResult(_reminders.Remove((grainId, name)));
        }
    }

    private static List<ReminderEntry> Ordered(IEnumerable<ReminderEntry> entries) =>
        entries
            .OrderBy(entry => entry.DueAt)
            .ThenBy(entry => entry.GrainId.Type, StringComparer.Ordinal)
            .ThenBy(entry => entry.GrainId.Key, StringComparer.Ordinal)
            .ThenBy(entry => entry.Name, StringComparer.Ordinal)
            .ToList();

    private string NextEtag() => (++_lastEtag).ToString(CultureInfo.InvariantCulture);
}
