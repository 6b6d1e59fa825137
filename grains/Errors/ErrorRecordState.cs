using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Errors;

/// <summary>Persisted state of an error record.</summary>
public sealed class ErrorRecordState : IQueryViewSource
{
    /// <summary>The query view listing error records (key1: workflow, key2: recovery status).</summary>
    public const string ErrorsView = "errors";

    public string? Id { get; set; }

    public string RunId { get; set; } = "";

    public string Workflow { get; set; } = "";

    public string Node { get; set; } = "";

    public int Iteration { get; set; }

    /// <summary>The loop whose node failed, or null for a node of the run.</summary>
    public string? Loop { get; set; }

    public int Attempts { get; set; }

    public string Error { get; set; } = "";

    public JsonNode? Input { get; set; }

    public ErrorRecoveryStatus Status { get; set; }

    /// <summary>The failed node's severity, which chose the recovery settings below.</summary>
    public string Severity { get; set; } = Definitions.ErrorSeverities.Medium;

    public int RecoveryAttempts { get; set; }

    public int MaxRecoveryAttempts { get; set; }

    public TimeSpan RecoveryDelay { get; set; }

    public double RecoveryMultiplier { get; set; } = 2;

    public TimeSpan RecoveryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    public string? EscalationWebhook { get; set; }

    /// <summary>The failed run's span (a W3C <c>traceparent</c>), which the spans of actions on the record link to; null
    /// for a record stored before records kept it.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset? NextRetryAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public List<ErrorAction> History { get; set; } = [];

    public ErrorRecordSnapshot ToSnapshot() => new()
    {
        Id = Id!,
        RunId = RunId,
        Workflow = Workflow,
        Node = Node,
        Iteration = Iteration,
        Loop = Loop,
        Attempts = Attempts,
        Error = Error,
        Input = Input?.DeepClone(),
        RecoveryStatus = Status,
        Severity = Severity,
        RecoveryAttempts = RecoveryAttempts,
        MaxRecoveryAttempts = MaxRecoveryAttempts,
        NextRetryAt = NextRetryAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        ResolvedAt = ResolvedAt,
        History = [.. History],
    };

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId)
    {
        var summary = new ErrorRecordSummary(Id ?? grainId.Key.ToString(), RunId, Workflow, Node, Status, Error, CreatedAt, UpdatedAt, Severity);
        return [new ViewRow(ErrorsView, Workflow, StatusName(Status), CreatedAt, JsonSerializer.Serialize(summary, JsonSerializerOptions.Web))];
    }

    /// <summary>The status as written in views and JSON (<c>retry_scheduled</c>, …).</summary>
    public static string StatusName(ErrorRecoveryStatus status) => JsonSerializer.Serialize(status).Trim('"');
}
