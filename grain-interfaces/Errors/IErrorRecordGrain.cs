using Orleans.Concurrency;

namespace Orchestrator.Errors;

/// <summary>A failure and its recovery (key: the error id). The actions (retry, resolve, ignore, escalate) throw
/// <see cref="ErrorRecordNotFoundException"/> for a record that does not exist, and
/// <see cref="ErrorRecordConflictException"/> when the record's status does not allow them (or the run or loop refused
/// the retry).</summary>
public interface IErrorRecordGrain : IGrainWithStringKey
{
    /// <summary>Creates the record (idempotent: creating it again returns it unchanged).</summary>
    Task<ErrorRecordSnapshot> CreateAsync(NewErrorRecord error);

    [ReadOnly]
    Task<ErrorRecordSnapshot?> GetAsync();

    /// <summary>Re-runs the failed node in its run now; the run continues from there.</summary>
    Task<ErrorRecordSnapshot> RetryAsync(string by, string? reason);

    /// <summary>Marks the error handled.</summary>
    Task<ErrorRecordSnapshot> ResolveAsync(string by, string? reason);

    /// <summary>Marks the error as not needing action.</summary>
    Task<ErrorRecordSnapshot> IgnoreAsync(string by, string? reason);

    /// <summary>Hands the error to people: publishes an event and calls the escalation webhook, if any.</summary>
    Task<ErrorRecordSnapshot> EscalateAsync(string by, string? reason);
}
