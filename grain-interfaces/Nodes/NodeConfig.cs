using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>A node's configuration as its definition gives it (templates already rendered).</summary>
public sealed record NodeConfig
{
    /// <summary>The node's name in its workflow.</summary>
    public required string Name { get; init; }

    /// <summary>The workflow the node belongs to.</summary>
    public string Workflow { get; init; } = "";

    /// <summary>The node's type-specific settings (every property of the node other than the shared ones).</summary>
    public JsonObject Settings { get; init; } = [];

    /// <summary>Reads a setting as <typeparamref name="T"/>, or <paramref name="fallback"/> when it is absent.</summary>
    public T Get<T>(string name, T fallback) =>
        Settings.TryGetPropertyValue(name, out var value) && value is not null ? value.GetValue<T>() : fallback;
}
