using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary><c>{name: value, "other name": value}</c>.</summary>
internal sealed class ObjectNode(int position, IReadOnlyList<KeyValuePair<string, ExpressionNode>> members) : ExpressionNode(position)
{
    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in members)
        {
            obj[name] = scope.Detach(value.Evaluate(scope));
        }

        return obj;
    }
}
