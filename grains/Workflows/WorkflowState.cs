using System.Text.Json;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Workflows;

/// <summary>Persisted state of a workflow: its versions, each with the canonical JSON of its definition.</summary>
public sealed class WorkflowState : IQueryViewSource
{
    /// <summary>The query view listing workflows (key1: name, key2: active | retired).</summary>
    public const string WorkflowsView = "workflows";

    public string? Name { get; set; }

    public List<StoredVersion> Versions { get; set; } = [];

    public bool Retired { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId)
    {
        var info = ToInfo();
        return [new ViewRow(WorkflowsView, info.Name, Retired ? "retired" : "active", UpdatedAt, JsonSerializer.Serialize(info, JsonSerializerOptions.Web))];
    }

    public WorkflowInfo ToInfo() =>
        new(Name ?? "", Versions.Count, [.. Versions.Select(v => new WorkflowVersion(Name ?? "", v.Version, v.ContentHash, v.CreatedAt, Created: false))], Retired, UpdatedAt);
}

/// <summary>One stored version.</summary>
public sealed record StoredVersion(int Version, string ContentHash, DateTimeOffset CreatedAt, string Definition);
