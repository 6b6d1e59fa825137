using System.Text.Json.Nodes;

namespace Orchestrator.Errors;

/// <summary>A node failure whose attempts ran out, as reported by its run.</summary>
public sealed record NewErrorRecord
{
    public required string RunId { get; init; }

    public required string Workflow { get; init; }

    public required string Node { get; init; }

    public int Iteration { get; init; }

    /// <summary>The loop whose node failed (its name), or null for a node of the run itself.</summary>
    public string? Loop { get; init; }

    public int Attempts { get; init; }

    public required string Error { get; init; }

    /// <summary>What the node was given (rendered configuration, forEach item).</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The failed node's severity (one of <see cref="Definitions.ErrorSeverities"/>).</summary>
    public string Severity { get; init; } = Definitions.ErrorSeverities.Medium;

    /// <summary>Automatic recovery: attempts before escalation (0: none, a person decides).</summary>
    public int RecoveryAttempts { get; init; }

    /// <summary>Delay before the first automatic recovery attempt.</summary>
    public TimeSpan RecoveryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Each automatic recovery attempt waits this many times longer than the one before.</summary>
    public double RecoveryMultiplier { get; init; } = 2;

    /// <summary>The longest wait between automatic recovery attempts.</summary>
    public TimeSpan RecoveryMaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Called with the record when it is escalated, if set.</summary>
    public string? EscalationWebhook { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the failed run's span; the record's actions' spans link to it.</summary>
    public string? TraceParent { get; init; }
}
