using Orchestrator.Expressions.Syntax;

namespace Orchestrator.Expressions.Parsing;

/// <summary>A syntax tree and the node names it reads through <c>nodes.&lt;name&gt;</c>.</summary>
internal sealed record ParsedExpression(ExpressionNode Root, IReadOnlySet<string> ReferencedNodes);
