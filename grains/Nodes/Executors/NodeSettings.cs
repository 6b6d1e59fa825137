using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Expressions;

namespace Orchestrator.Nodes.Executors;

/// <summary>Reads a node's rendered type-specific settings (<see cref="NodeInvocation.Config"/>), failing the attempt
/// with the setting's name when one is missing or of the wrong kind.</summary>
internal static class NodeSettings
{
    /// <summary>The setting as text; a non-string value (what a lone <c>${…}</c> placeholder may yield) as its JSON.</summary>
    public static string RequireText(NodeInvocation invocation, string name) =>
        OptionalText(invocation, name)
        ?? throw new NodeExecutionException($"{invocation.Definition.Type} node '{invocation.Node}': the setting '{name}' is required.");

    /// <summary>The setting as text, or null when it is absent or null.</summary>
    public static string? OptionalText(NodeInvocation invocation, string name) =>
        invocation.Config.TryGetPropertyValue(name, out var value) && value is not null ? ToText(value) : null;

    /// <summary>The setting as a whole number, or null when it is absent or null.</summary>
    public static long? OptionalInteger(NodeInvocation invocation, string name)
    {
        if (!invocation.Config.TryGetPropertyValue(name, out var value) || value is null)
        {
            return null;
        }

        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && double.TryParse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && parsed == Math.Floor(parsed) && parsed is >= long.MinValue and <= long.MaxValue)
        {
            return (long)parsed;
        }

        if (ExpressionValues.TryGetString(value, out var text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromText))
        {
            return fromText;
        }

        throw new NodeExecutionException(
            $"{invocation.Definition.Type} node '{invocation.Node}': the setting '{name}' must be a whole number, not {value.ToJsonString()}.");
    }

    /// <summary>The setting as an object, or null when it is absent or null.</summary>
    public static JsonObject? OptionalObject(NodeInvocation invocation, string name) =>
        invocation.Config.TryGetPropertyValue(name, out var value) switch
        {
            false => null,
            true when value is null => null,
            true when value is JsonObject obj => obj,
            _ => throw new NodeExecutionException(
                $"{invocation.Definition.Type} node '{invocation.Node}': the setting '{name}' must be a mapping, not {value!.ToJsonString()}."),
        };

    /// <summary>How a value reads as text: strings are themselves, null is empty, anything else is its compact JSON.</summary>
    public static string ToText(JsonNode? value) => ExpressionValues.ToText(value);

    /// <summary>A copy of the run's state as an object (empty when the state is not an object).</summary>
    public static JsonObject CopyOfState(NodeInvocation invocation) =>
        invocation.Context.State?.DeepClone() as JsonObject ?? [];

    /// <summary>The value flowing into the node when it has none of its own: the forEach item, a loop's data, or else a
    /// copy of the run's state.</summary>
    public static JsonNode? FlowingValue(NodeInvocation invocation)
    {
        if (invocation.ItemIndex is not null)
        {
            return invocation.Context.Item?.DeepClone();
        }

        return invocation.Context.Data is { } data ? data.DeepClone() : CopyOfState(invocation);
    }
}
