using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions.Parsing;
using Orchestrator.Expressions.Syntax;

namespace Orchestrator.Expressions;

/// <summary>
/// An expression parsed once and evaluated any number of times, from any thread.
/// </summary>
/// <remarks>
/// <para>The language: literals (numbers, strings in single or double quotes with JSON escapes, <c>true</c>,
/// <c>false</c>, <c>null</c>, <c>[…]</c>, <c>{name: …}</c>); the names <c>state</c>, <c>input</c>, <c>nodes</c>,
/// <c>iteration</c>, <c>data</c>, <c>item</c>, <c>attempt</c>; member access <c>a.b</c> and indexing <c>a[0]</c>,
/// <c>a["k"]</c>, <c>a[-1]</c>; <c>== != &lt; &lt;= &gt; &gt;=</c>; <c>+ - * / %</c>; <c>&amp;&amp; || !</c>;
/// <c>c ? a : b</c>; parentheses; the functions <c>len</c>, <c>contains</c>, <c>now</c>, <c>string</c>,
/// <c>number</c> and <c>default</c>.</para>
/// <para>Reading a member that is missing (or of something that is not an object) yields null, never an error, and
/// ordering comparisons with null are false, so <c>state.score &gt;= state.threshold</c> is false while either is
/// missing. Arithmetic on null or on mismatched kinds is an error.</para>
/// <para>Truthiness (for <c>when</c>, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>?:</c>): null, false, 0, "", [] and {}
/// are false; everything else is true. <c>&amp;&amp;</c> and <c>||</c> short-circuit and yield booleans.</para>
/// <para>Numbers are doubles; whole numbers up to 2^53 are produced as integers. Equality never converts between
/// kinds (<c>1 == "1"</c> is false).</para>
/// <para>Evaluation is bounded by <see cref="ExpressionContext.MaxSteps"/>; nesting is bounded by
/// <see cref="DefinitionLimits.MaxExpressionDepth"/> and length by <see cref="DefinitionLimits.MaxExpressionBytes"/>.</para>
/// </remarks>
public sealed class CompiledExpression
{
    private readonly ExpressionNode _root;

    private CompiledExpression(string text, ParsedExpression parsed)
    {
        Text = text;
        _root = parsed.Root;
        ReferencedNodes = parsed.ReferencedNodes;
    }

    /// <summary>The expression's text.</summary>
    public string Text { get; }

    /// <summary>The node names the expression reads as <c>nodes.&lt;name&gt;</c> or <c>nodes["&lt;name&gt;"]</c>.</summary>
    public IReadOnlySet<string> ReferencedNodes { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">The text is not a valid expression; the message gives the position.</exception>
    public static CompiledExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > DefinitionLimits.MaxExpressionBytes)
        {
            throw new ExpressionException(text, 1, $"the expression is longer than {DefinitionLimits.MaxExpressionBytes} bytes");
        }

        return new CompiledExpression(text, ExpressionParser.Parse(text));
    }

    /// <summary>Evaluates the expression. The result belongs to the caller (it shares no nodes with the context).</summary>
    /// <exception cref="ExpressionException">Evaluation failed (a type error, division by zero, the step budget).</exception>
    public JsonNode? Evaluate(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = new EvaluationScope(Text, context);
        return scope.Detach(_root.Evaluate(scope));
    }

    /// <summary>Evaluates the expression and returns its truthiness.</summary>
    /// <exception cref="ExpressionException">Evaluation failed.</exception>
    public bool EvaluateCondition(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExpressionValues.IsTruthy(_root.Evaluate(new EvaluationScope(Text, context)));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
