namespace Orchestrator.Errors;

/// <summary>An error record in a listing (read from the errors view).</summary>
public sealed record ErrorRecordSummary(
    string Id,
    string RunId,
    string Workflow,
    string Node,
    ErrorRecoveryStatus RecoveryStatus,
    string Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
