using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>!x</c> (the opposite of x's truthiness) and <c>-x</c> (numbers only).</summary>
internal sealed class UnaryNode(int position, UnaryOperator op, ExpressionNode operand) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var value = operand.Evaluate(scope);
        if (op == UnaryOperator.Not)
        {
            return JsonValue.Create(!ExpressionValues.IsTruthy(value));
        }

        return ExpressionValues.TryGetNumber(value, out var number)
            ? ExpressionValues.Number(-number)
            : throw scope.Error(Position, $"cannot negate {ExpressionValues.KindName(value)}");
    }
}
