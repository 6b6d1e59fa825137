using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>condition ? a : b</c>: evaluates only the branch chosen by the condition's truthiness.</summary>
internal sealed class ConditionalNode(int position, ExpressionNode condition, ExpressionNode whenTrue, ExpressionNode whenFalse)
    : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope) =>
        ExpressionValues.IsTruthy(condition.Evaluate(scope)) ? whenTrue.Evaluate(scope) : whenFalse.Evaluate(scope);
}
