namespace Orchestrator.Runtime.Reminders;

/// <summary>Stores reminders. Every method completes once its change is durable.</summary>
public interface IReminderTable
{
    /// <summary>All reminders (a single silo owns them all).</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>One reminder, or null.</summary>
    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a reminder unconditionally; returns its new ETag.</summary>
    Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Moves a reminder's due time if its ETag still equals <paramref name="expectedEtag"/>; returns the new
    /// ETag, or null when the reminder was replaced or removed meanwhile (nothing written then).</summary>
    Task<string?> UpdateDueAsync(GrainId grainId, string name, DateTimeOffset dueAt, string expectedEtag, CancellationToken cancellationToken);

    /// <summary>Removes a reminder; with a non-null <paramref name="expectedEtag"/> only if it still matches.
    /// Returns true when a row was removed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedEtag, CancellationToken cancellationToken);
}
