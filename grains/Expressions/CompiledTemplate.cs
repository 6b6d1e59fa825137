using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions.Parsing;

namespace Orchestrator.Expressions;

/// <summary>
/// A string with <c>${expression}</c> placeholders, parsed once. A string that is exactly one placeholder renders
/// to the expression's raw JSON value (so <c>"${state}"</c> gives an object); otherwise each value is written
/// into the text (null as nothing, objects and arrays as compact JSON). <c>$${</c> writes a literal <c>${</c>.
/// </summary>
public sealed class CompiledTemplate
{
    private readonly TemplateSegment[] _segments;

    private CompiledTemplate(string text, TemplateSegment[] segments, IReadOnlySet<string> referencedNodes)
    {
        Text = text;
        _segments = segments;
        ReferencedNodes = referencedNodes;
    }

    /// <summary>The template's text.</summary>
    public string Text { get; }

    /// <summary>Whether the text has any placeholder.</summary>
    public bool HasExpressions => _segments.Any(segment => segment.Expression is not null);

    /// <summary>Whether the text is exactly one placeholder, and so renders to a raw value.</summary>
    public bool IsSingleExpression => _segments is [{ Expression: not null }];

    /// <summary>The node names the placeholders read as <c>nodes.&lt;name&gt;</c>.</summary>
    public IReadOnlySet<string> ReferencedNodes { get; }

    /// <summary>Whether <paramref name="text"/> may contain a placeholder (or an escaped one) and so needs parsing.</summary>
    public static bool MayContainExpressions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("${", StringComparison.Ordinal);
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">A placeholder is invalid; the position is within <paramref name="text"/>.</exception>
    public static CompiledTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<TemplateSegment>();
        var referencedNodes = new HashSet<string>(StringComparer.Ordinal);
        var literal = new StringBuilder();
        var index = 0;
        while (index < text.Length)
        {
            if (string.CompareOrdinal(text, index, "$${", 0, 3) == 0)
            {
                literal.Append("${");
                index += 3;
                continue;
            }

            if (string.CompareOrdinal(text, index, "${", 0, 2) != 0)
            {
                literal.Append(text[index]);
                index++;
                continue;
            }

            if (literal.Length > 0)
            {
                segments.Add(new TemplateSegment(literal.ToString(), null));
                literal.Clear();
            }

            var parsed = ExpressionParser.ParseEmbedded(text, index + 2, out var closingBrace);
            if (Encoding.UTF8.GetByteCount(text.AsSpan(index + 2, closingBrace - index - 2)) > DefinitionLimits.MaxExpressionBytes)
            {
                throw new ExpressionException(text, index + 1, $"the expression is longer than {DefinitionLimits.MaxExpressionBytes} bytes");
            }

            segments.Add(new TemplateSegment(null, parsed.Root));
            referencedNodes.UnionWith(parsed.ReferencedNodes);
            index = closingBrace + 1;
        }

        if (literal.Length > 0 || segments.Count == 0)
        {
            segments.Add(new TemplateSegment(literal.ToString(), null));
        }

        return new CompiledTemplate(text, [.. segments], referencedNodes);
    }

    /// <summary>Renders the template: the raw value for a single placeholder, otherwise a string.</summary>
    /// <exception cref="ExpressionException">A placeholder failed to evaluate.</exception>
    public JsonNode? Render(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = new EvaluationScope(Text, context);
        if (IsSingleExpression)
        {
            return scope.Detach(_segments[0].Expression!.Evaluate(scope));
        }

        return JsonValue.Create(RenderText(scope));
    }

    /// <summary>Renders the template as text, whatever its placeholders yield.</summary>
    /// <exception cref="ExpressionException">A placeholder failed to evaluate.</exception>
    public string RenderText(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RenderText(new EvaluationScope(Text, context));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private string RenderText(EvaluationScope scope)
    {
        if (_segments is [{ Literal: { } only }])
        {
            return only;
        }

        var builder = new StringBuilder();
        foreach (var segment in _segments)
        {
            builder.Append(segment.Expression is null ? segment.Literal : ExpressionValues.ToText(segment.Expression.Evaluate(scope)));
        }

        return builder.ToString();
    }
}
