using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>A node of a parsed expression. <see cref="Position"/> is the 1-based position it is reported at.</summary>
internal abstract class ExpressionNode(int position)
{
    public int Position { get; } = position;

    /// <summary>Evaluates the node, spending one step. The result may be borrowed from the context; see <see cref="EvaluationScope.Detach"/>.</summary>
    public JsonNode? Evaluate(EvaluationScope scope)
    {
        scope.Step(Position);
        return EvaluateCore(scope);
    }

    protected abstract JsonNode? EvaluateCore(EvaluationScope scope);
}
