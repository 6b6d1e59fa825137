using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>A number, string, boolean or null written in the expression.</summary>
internal sealed class LiteralNode(int position, JsonValue? value) : ExpressionNode(position)
{
    public JsonValue? Value => value;

    // A fresh copy each time: a node handed out may be placed in (and owned by) the caller's tree.
    protected override JsonNode? EvaluateCore(EvaluationScope scope) => value?.DeepClone();
}
