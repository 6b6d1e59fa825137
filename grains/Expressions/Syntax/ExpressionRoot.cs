namespace Orchestrator.Expressions.Syntax;

/// <summary>The names an expression starts from.</summary>
internal enum ExpressionRoot
{
    State,
    Input,
    Nodes,
    Iteration,
    Data,
    Item,
    Attempt,
}
