using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>a &amp;&amp; b</c> and <c>a || b</c>: short-circuit, and always a boolean.</summary>
internal sealed class LogicalNode(int position, bool isAnd, ExpressionNode left, ExpressionNode right) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var first = ExpressionValues.IsTruthy(left.Evaluate(scope));
        if (first != isAnd)
        {
            return JsonValue.Create(first);
        }

        return JsonValue.Create(ExpressionValues.IsTruthy(right.Evaluate(scope)));
    }
}
