namespace Orchestrator.Errors;

/// <summary>An error record in a listing (read from the errors view). <paramref name="Severity"/> is medium for a row
/// written before records had one.</summary>
public sealed record ErrorRecordSummary(
    string Id,
    string RunId,
    string Workflow,
    string Node,
    ErrorRecoveryStatus RecoveryStatus,
    string Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Severity = Definitions.ErrorSeverities.Medium);
