using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Definitions;

/// <summary>
/// One node of a workflow. The settings every node type shares are properties; the settings of the node's
/// type (<c>duration</c>, <c>message</c>, <c>command</c>, <c>url</c>, <c>class</c>, …) are kept in
/// <see cref="Config"/>. In JSON the node is one flat object, exactly as authors write it.
/// </summary>
[JsonConverter(typeof(NodeDefinitionJsonConverter))]
public sealed record NodeDefinition
{
    /// <summary>The names of the properties that every node type shares; any other property belongs to <see cref="Config"/>.</summary>
    public static IReadOnlySet<string> CommonProperties { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "type", "timeout", "retry", "dependsOn", "forEach", "onFailure", "severity", "merge" };

    /// <summary>The node type, one of <see cref="NodeTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>A duration string after which one attempt of the node fails.</summary>
    public string? Timeout { get; init; }

    /// <summary>How failed attempts are retried; no retry when absent.</summary>
    public RetryPolicyDefinition? Retry { get; init; }

    /// <summary>DAG mode: the nodes that must complete before this one starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>An expression yielding a list; the node runs once per element (as <c>item</c>) and its outputs are joined.</summary>
    public string? ForEach { get; init; }

    /// <summary>What a failure of this node does to the run: <see cref="FailurePolicies.FailRun"/> or <see cref="FailurePolicies.Continue"/>.</summary>
    public string OnFailure { get; init; } = FailurePolicies.FailRun;

    /// <summary>How much a failure of this node matters (one of <see cref="ErrorSeverities"/>): its error record's
    /// automatic recovery policy is the one configured for this severity.</summary>
    public string Severity { get; init; } = ErrorSeverities.Medium;

    /// <summary>Whether an object output is merged (shallowly) into the run's state.</summary>
    public bool Merge { get; init; } = true;

    /// <summary>The type-specific settings, by property name, as written (strings may contain <c>${…}</c> templates).</summary>
    public IReadOnlyDictionary<string, JsonElement> Config { get; init; } = ReadOnlyDictionary<string, JsonElement>.Empty;

    /// <summary>Returns the type-specific setting <paramref name="name"/>, or null when it is absent or JSON null.</summary>
    public JsonElement? GetConfig(string name) =>
        Config.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
