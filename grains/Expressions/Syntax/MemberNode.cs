using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>target.name</c>: null when the target is not an object or has no such member.</summary>
internal sealed class MemberNode(int position, ExpressionNode target, string name) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope) =>
        target.Evaluate(scope) is JsonObject value && value.TryGetPropertyValue(name, out var member) ? member : null;
}
