using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;

namespace Orchestrator.Nodes;

/// <summary>Renders a node's type-specific settings for one attempt: every <c>${…}</c> template is evaluated, except in
/// <c>set.values</c>, which are expressions the <c>set</c> executor evaluates itself and so stay as written, and
/// <c>${job.id}</c> in a <c>job</c> node's <c>status</c> and <c>cancel</c>, which its executor fills in.</summary>
internal static class NodeConfigRenderer
{
    /// <exception cref="ExpressionException">A template failed to evaluate.</exception>
    public static JsonObject Render(NodeDefinition definition, ExpressionContext context, ExpressionCache expressions)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var renderer = new TemplateRenderer(expressions);
        if (definition.Type == NodeTypes.Job)
        {
            return renderer.Render(
                definition.Config.ToDictionary(
                    pair => pair.Key,
                    pair => Executors.JobIdPlaceholder.Settings.Contains(pair.Key) ? Executors.JobIdPlaceholder.Escape(pair.Value) : pair.Value,
                    StringComparer.Ordinal),
                context);
        }

        if (definition.Type != NodeTypes.Set)
        {
            return renderer.Render(definition.Config, context);
        }

        var settings = definition.Config.Where(pair => pair.Key != "values").ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var config = renderer.Render(settings, context);
        if (definition.GetConfig("values") is { } values)
        {
            config["values"] = JsonNode.Parse(values.GetRawText());
        }

        return config;
    }
}
