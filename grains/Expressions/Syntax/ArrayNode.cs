using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>[a, b, …]</c>.</summary>
internal sealed class ArrayNode(int position, IReadOnlyList<ExpressionNode> elements) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var array = new JsonArray();
        foreach (var element in elements)
        {
            array.Add(scope.Detach(element.Evaluate(scope)));
        }

        return array;
    }
}
