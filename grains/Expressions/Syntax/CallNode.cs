using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>A call of one of the built-in functions; arguments are evaluated by the function (so <c>default</c> can skip its fallback).</summary>
internal sealed class CallNode(int position, ExpressionFunction function, IReadOnlyList<ExpressionNode> arguments) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope) => ExpressionFunctions.Invoke(function, arguments, scope, Position);
}
