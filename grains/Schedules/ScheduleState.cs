using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Schedules;

/// <summary>Persisted state of a schedule: its definition as written, where it stands (next fire, decided fires not yet
/// carried out, a buffered fire) and its recent executions.</summary>
public sealed class ScheduleState : IQueryViewSource
{
    /// <summary>The query view listing schedules (key1: workflow, key2: <c>enabled</c> or <c>disabled</c>), newest first.</summary>
    public const string SchedulesView = "schedules";

    public const string EnabledKey = "enabled";

    public const string DisabledKey = "disabled";

    public string? Id { get; set; }

    public ScheduleDefinition Definition { get; set; } = new();

    /// <summary>The workflow each fire runs.</summary>
    public string Workflow { get; set; } = "";

    /// <summary>The kind read from the definition (see <see cref="ScheduleKinds"/>).</summary>
    public string Kind { get; set; } = "";

    /// <summary>When the definition was saved: an interval without a start time counts from here.</summary>
    public DateTimeOffset DefinedAt { get; set; }

    public bool Enabled { get; set; }

    /// <summary>The first occurrence not yet acted on; null when disabled or when nothing follows.</summary>
    public DateTimeOffset? NextFireAt { get; set; }

    /// <summary>The jitter drawn for <see cref="NextFireAt"/>: its reminder is due this much later.</summary>
    public TimeSpan NextJitter { get; set; }

    /// <summary>Occurrences decided to fire but not yet carried out (a crash in between carries them out on the next
    /// delivery; their runs' idempotency keys keep a second start from making a second run).</summary>
    public List<DateTimeOffset> PendingFires { get; set; } = [];

    /// <summary>The occurrence kept by the <c>bufferOne</c> overlap policy.</summary>
    public DateTimeOffset? BufferedFor { get; set; }

    public DateTimeOffset? LastFireAt { get; set; }

    public ScheduleOutcome? LastOutcome { get; set; }

    /// <summary>The run the schedule started last: the one the overlap policy looks at.</summary>
    public string? LastRunId { get; set; }

    /// <summary>Recent executions, oldest first.</summary>
    public List<ScheduleExecution> Executions { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [JsonIgnore]
    public bool Exists => Id is not null;

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId)
    {
        var summary = new ScheduleSummary(Id ?? grainId.Key.ToString(), Definition.Name, Workflow, Kind, Enabled, NextFireAt, LastFireAt, LastOutcome, LastRunId, CreatedAt);
        return [new ViewRow(SchedulesView, Workflow, Enabled ? EnabledKey : DisabledKey, CreatedAt, JsonSerializer.Serialize(summary, JsonSerializerOptions.Web))];
    }
}
