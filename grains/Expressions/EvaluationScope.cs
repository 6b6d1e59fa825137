using System.Text.Json.Nodes;

namespace Orchestrator.Expressions;

/// <summary>One evaluation: its context, its step budget, and how errors name the source text.</summary>
internal sealed class EvaluationScope(string source, ExpressionContext context)
{
    private int _steps;

    public ExpressionContext Context => context;

    /// <summary>Spends <paramref name="cost"/> steps of the budget; throws when the budget is exhausted.</summary>
    public void Step(int position, int cost = 1)
    {
        _steps += cost;
        if (_steps > context.MaxSteps)
        {
            throw Error(position, $"evaluation exceeded its budget of {context.MaxSteps} steps");
        }
    }

    public ExpressionException Error(int position, string detail) => new(source, position, detail);

    /// <summary>
    /// Returns a value that may be placed in another JSON tree: values borrowed from the context (or held by a
    /// temporary container) are copied, so evaluation never re-parents or exposes the caller's nodes.
    /// </summary>
    public JsonNode? Detach(JsonNode? value) =>
        value is not null && (value.Parent is not null || IsContextRoot(value)) ? value.DeepClone() : value;

    private bool IsContextRoot(JsonNode value) =>
        ReferenceEquals(value, context.State)
        || ReferenceEquals(value, context.Input)
        || ReferenceEquals(value, context.Nodes)
        || ReferenceEquals(value, context.Data)
        || ReferenceEquals(value, context.Item);
}
