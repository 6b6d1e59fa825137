namespace Orchestrator.Providers.Storage;

/// <summary>One conditional write of a grain state.</summary>
/// <param name="Grain">The grain.</param>
/// <param name="StateName">The state record's name.</param>
/// <param name="Payload">The state as JSON.</param>
/// <param name="ExpectedEtag">The ETag the writer read; null when it expects no record to exist.</param>
/// <param name="Views">Rows of query views written in the same transaction: for each view named here, the grain's
/// rows in that view are replaced by these. Null leaves views untouched.</param>
/// <param name="Journal">Entries appended to the grain's journal in the same transaction; nothing is appended when the
/// write is rejected.</param>
/// <param name="JournalKeepsFrom">When given, the grain's journal entries with a lower sequence are deleted in the same
/// transaction.</param>
/// <param name="Parts">Parts of the state (<see cref="IPartedState"/>) written or, with a null payload, deleted in the
/// same transaction; parts not named are left as they are.</param>
internal sealed record StateWrite(
    StateKey Grain,
    string StateName,
    string Payload,
    string? ExpectedEtag,
    IReadOnlyList<ViewRow>? Views = null,
    IReadOnlyList<JournalEntry>? Journal = null,
    long? JournalKeepsFrom = null,
    IReadOnlyList<StatePart>? Parts = null);
