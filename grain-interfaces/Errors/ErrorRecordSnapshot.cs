using System.Text.Json.Nodes;

namespace Orchestrator.Errors;

/// <summary>An error record as seen from outside.</summary>
public sealed record ErrorRecordSnapshot
{
    public required string Id { get; init; }

    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Node { get; init; }

    public int Iteration { get; init; }

    /// <summary>The loop whose node failed (its name), or null for a node of the run itself.</summary>
    public string? Loop { get; init; }

    /// <summary>Attempts the node made before the record was created.</summary>
    public int Attempts { get; init; }

    public required string Error { get; init; }

    public JsonNode? Input { get; init; }

    public ErrorRecoveryStatus RecoveryStatus { get; init; }

    /// <summary>The failed node's severity (<c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>), which chose the
    /// automatic recovery policy.</summary>
    public string Severity { get; init; } = Definitions.ErrorSeverities.Medium;

    /// <summary>Recovery attempts made (automatic and manual).</summary>
    public int RecoveryAttempts { get; init; }

    public int MaxRecoveryAttempts { get; init; }

    public DateTimeOffset? NextRetryAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public IReadOnlyList<ErrorAction> History { get; init; } = [];
}
