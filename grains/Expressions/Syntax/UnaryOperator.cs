namespace Orchestrator.Expressions.Syntax;

internal enum UnaryOperator
{
    Not,
    Negate,
}
