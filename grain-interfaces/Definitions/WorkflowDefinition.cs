using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Definitions;

/// <summary>
/// A workflow as its author wrote it, in JSON or YAML: the same model either way. Instances are immutable
/// and round-trip through System.Text.Json with <see cref="JsonSerializerOptions.Web"/> (camelCase).
/// </summary>
/// <remarks>
/// The model holds what was written, not what is valid: durations, expressions and enumerated settings are
/// kept as strings so that the validator can report every problem with its path. Collections compare by
/// reference; compare two definitions by their canonical content hash instead.
/// </remarks>
public sealed record WorkflowDefinition
{
    /// <summary>The edge target that finishes a run in graph mode.</summary>
    public const string EndNode = "END";

    /// <summary>The workflow's name: <c>[a-z0-9._-]</c>, at most <see cref="DefinitionLimits.MaxNameLength"/> characters.</summary>
    public required string Name { get; init; }

    /// <summary>Free text shown to people; no meaning to the engine.</summary>
    public string? Description { get; init; }

    /// <summary>Default state values, merged under the run's initial state.</summary>
    public IReadOnlyDictionary<string, JsonElement> State { get; init; } = ReadOnlyDictionary<string, JsonElement>.Empty;

    /// <summary>Graph mode: the node a run starts at.</summary>
    public string? Entry { get; init; }

    /// <summary>Graph mode: how many times one node may run in a run before the run stops (a guard against endless cycles).</summary>
    public int? MaxIterations { get; init; }

    /// <summary>A duration string (<c>30s</c>, <c>1h30m</c>) after which the whole run fails.</summary>
    public string? Timeout { get; init; }

    /// <summary>The nodes by name, in the order they were declared.</summary>
    public IReadOnlyDictionary<string, NodeDefinition> Nodes { get; init; } = ReadOnlyDictionary<string, NodeDefinition>.Empty;

    /// <summary>Graph mode: transitions between nodes, optionally conditional; evaluated in declared order.</summary>
    public IReadOnlyList<EdgeDefinition> Edges { get; init; } = [];

    /// <summary>Continuous loops by name, in the order they were declared.</summary>
    public IReadOnlyDictionary<string, LoopDefinition> Loops { get; init; } = ReadOnlyDictionary<string, LoopDefinition>.Empty;

    /// <summary>
    /// True when the definition is a graph (it has <see cref="Edges"/> or an <see cref="Entry"/>); otherwise its
    /// nodes form a DAG through <see cref="NodeDefinition.DependsOn"/>.
    /// </summary>
    [JsonIgnore]
    public bool IsGraph => Edges.Count > 0 || Entry is not null;
}
