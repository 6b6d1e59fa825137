using Orchestrator.Expressions.Syntax;

namespace Orchestrator.Expressions;

/// <summary>A piece of a template: literal text, or an expression whose value is inserted.</summary>
internal readonly record struct TemplateSegment(string? Literal, ExpressionNode? Expression);
