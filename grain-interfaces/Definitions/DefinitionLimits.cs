namespace Orchestrator.Definitions;

/// <summary>
/// The limits on definitions and on the expressions in them. Definitions beyond a limit are rejected by the
/// validator; <see cref="MaxForEachWidth"/> and the expression budgets are enforced while a run executes.
/// </summary>
public static class DefinitionLimits
{
    /// <summary>The longest workflow, node, loop or queue name, in characters.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The most nodes one definition may declare.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>The largest definition, in UTF-8 bytes of its source text (1 MiB).</summary>
    public const int MaxDefinitionBytes = 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays in a definition's source text.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>The most elements a <c>forEach</c> may fan out over in one run; more fails the node at run time.</summary>
    public const int MaxForEachWidth = 100_000;

    /// <summary>The longest expression (a <c>when</c>, a <c>forEach</c>, a <c>set</c> value, one <c>${…}</c>), in UTF-8 bytes (4 KiB).</summary>
    public const int MaxExpressionBytes = 4 * 1024;

    /// <summary>How many steps (syntax-tree visits plus elements examined by functions) one evaluation may take.</summary>
    public const int MaxExpressionSteps = 10_000;

    /// <summary>The deepest nesting of parentheses, brackets, braces, calls and unary operators in an expression.</summary>
    public const int MaxExpressionDepth = 64;

    /// <summary>The smallest allowed <see cref="WorkflowDefinition.MaxIterations"/>.</summary>
    public const int MinIterations = 1;

    /// <summary>The largest allowed <see cref="WorkflowDefinition.MaxIterations"/>.</summary>
    public const int MaxIterations = 10_000;

    /// <summary>The largest allowed <see cref="RetryPolicyDefinition.MaxAttempts"/>.</summary>
    public const int MaxRetryAttempts = 100;
}
