namespace Orchestrator.Expressions.Syntax;

internal enum ExpressionFunction
{
    Len,
    Contains,
    Now,
    String,
    Number,
    Default,
}
