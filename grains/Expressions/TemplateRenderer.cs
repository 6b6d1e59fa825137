using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Expressions;

/// <summary>
/// Renders the <c>${…}</c> templates in a JSON tree: every string value, however deeply nested in objects and
/// arrays, is rendered as a <see cref="CompiledTemplate"/>; property names and other values are copied as they
/// are. The input is never changed; the result is a new tree.
/// </summary>
public sealed class TemplateRenderer
{
    private readonly ExpressionCache _cache;

    /// <summary>Creates a renderer with a cache of its own.</summary>
    public TemplateRenderer()
        : this(new ExpressionCache())
    {
    }

    /// <summary>Creates a renderer that parses templates through <paramref name="cache"/>.</summary>
    public TemplateRenderer(ExpressionCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
    }

    /// <summary>Renders a tree of <see cref="JsonNode"/>s.</summary>
    /// <exception cref="ExpressionException">A template is invalid or failed to evaluate.</exception>
    public JsonNode? Render(JsonNode? template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (template)
        {
            case null:
                return null;
            case JsonObject obj:
                var renderedObject = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    renderedObject[name] = Render(value, context);
                }

                return renderedObject;
            case JsonArray array:
                var renderedArray = new JsonArray();
                foreach (var element in array)
                {
                    renderedArray.Add(Render(element, context));
                }

                return renderedArray;
            default:
                return ExpressionValues.TryGetString(template, out var text) ? RenderString(text, context) : template.DeepClone();
        }
    }

    /// <summary>Renders a <see cref="JsonElement"/> tree, such as a value of <c>NodeDefinition.Config</c>.</summary>
    /// <exception cref="ExpressionException">A template is invalid or failed to evaluate.</exception>
    public JsonNode? Render(JsonElement template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (template.ValueKind)
        {
            case JsonValueKind.Object:
                var renderedObject = new JsonObject();
                foreach (var property in template.EnumerateObject())
                {
                    renderedObject[property.Name] = Render(property.Value, context);
                }

                return renderedObject;
            case JsonValueKind.Array:
                var renderedArray = new JsonArray();
                foreach (var element in template.EnumerateArray())
                {
                    renderedArray.Add(Render(element, context));
                }

                return renderedArray;
            case JsonValueKind.String:
                return RenderString(template.GetString()!, context);
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(template);
        }
    }

    /// <summary>Renders a node's type-specific settings into one object.</summary>
    /// <exception cref="ExpressionException">A template is invalid or failed to evaluate.</exception>
    public JsonObject Render(IReadOnlyDictionary<string, JsonElement> settings, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rendered = new JsonObject();
        foreach (var (name, value) in settings)
        {
            rendered[name] = Render(value, context);
        }

        return rendered;
    }

    /// <summary>Renders one string: the raw value when it is exactly one placeholder, otherwise a string.</summary>
    /// <exception cref="ExpressionException">The template is invalid or failed to evaluate.</exception>
    public JsonNode? RenderString(string template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        return CompiledTemplate.MayContainExpressions(template)
            ? _cache.GetTemplate(template).Render(context)
            : JsonValue.Create(template);
    }

    /// <summary>Renders one string to text, whatever its placeholders yield (for argv entries, URLs, headers).</summary>
    /// <exception cref="ExpressionException">The template is invalid or failed to evaluate.</exception>
    public string RenderText(string template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        return CompiledTemplate.MayContainExpressions(template) ? _cache.GetTemplate(template).RenderText(context) : template;
    }
}
