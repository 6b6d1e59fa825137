using System.Text.Json.Nodes;

namespace Orchestrator.Expressions.Syntax;

/// <summary>One of the context's names: <c>state</c>, <c>input</c>, <c>nodes</c>, <c>iteration</c>, <c>data</c>, <c>item</c>, <c>attempt</c>.</summary>
internal sealed class RootNode(int position, ExpressionRoot root) : ExpressionNode(position)
{
    public static IReadOnlyDictionary<string, ExpressionRoot> Names { get; } = new Dictionary<string, ExpressionRoot>(StringComparer.Ordinal)
    {
        ["state"] = ExpressionRoot.State,
        ["input"] = ExpressionRoot.Input,
        ["nodes"] = ExpressionRoot.Nodes,
        ["iteration"] = ExpressionRoot.Iteration,
        ["data"] = ExpressionRoot.Data,
        ["item"] = ExpressionRoot.Item,
        ["attempt"] = ExpressionRoot.Attempt,
    };

    public ExpressionRoot Root => root;

    protected override JsonNode? EvaluateCore(EvaluationScope scope)
    {
        var context = scope.Context;
        return root switch
        {
            ExpressionRoot.State => context.State,
            ExpressionRoot.Input => context.Input,
            ExpressionRoot.Nodes => context.Nodes,
            ExpressionRoot.Data => context.Data,
            ExpressionRoot.Item => context.Item,
            ExpressionRoot.Iteration => context.Iteration is { } iteration ? JsonValue.Create(iteration) : null,
            ExpressionRoot.Attempt => context.Attempt is { } attempt ? JsonValue.Create(attempt) : null,
            _ => null,
        };
    }
}
