using System.Text;

namespace Orchestrator.Definitions;

/// <summary>
/// Checks a <see cref="WorkflowDefinition"/> and reports every problem, each with its path
/// (<c>nodes.analyze.retry.multiplier: must be ≥ 1</c>), rather than stopping at the first.
/// </summary>
/// <remarks>
/// Covers names, node types and their required settings, durations, retry bounds, expressions and
/// <c>${…}</c> templates (with the expression's error and position), graph mode (entry, edges, reachability),
/// DAG mode (dependencies, cycles with their path), loops (pool, producer, cron and time zone, chain, policies)
/// and <see cref="DefinitionLimits"/>. Problems only the source text shows (duplicate keys, unknown top-level
/// properties, values of the wrong kind) come from <see cref="DefinitionParser"/>.
/// </remarks>
public static class DefinitionValidator
{
    /// <summary>Returns every problem with <paramref name="definition"/>; none means it is valid.</summary>
    public static IReadOnlyList<DefinitionProblem> Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new ProblemCollector(definition.Nodes);
        if (definition.Name.Length == 0)
        {
            problems.Add("name", $"required: {DefinitionNames.WorkflowNameRule}");
        }
        else if (!DefinitionNames.IsWorkflowName(definition.Name))
        {
            problems.Add("name", $"'{definition.Name}' {DefinitionNames.WorkflowNameRule}");
        }

        if (definition.MaxIterations is < DefinitionLimits.MinIterations or > DefinitionLimits.MaxIterations)
        {
            problems.Add("maxIterations", $"must be between {DefinitionLimits.MinIterations} and {DefinitionLimits.MaxIterations}");
        }

        problems.CheckDuration("timeout", definition.Timeout, mustBePositive: true);
        if (definition.Nodes.Count == 0)
        {
            problems.Add("nodes", "at least one node is required");
        }
        else if (definition.Nodes.Count > DefinitionLimits.MaxNodes)
        {
            problems.Add("nodes", $"at most {DefinitionLimits.MaxNodes} nodes are allowed, not {definition.Nodes.Count}");
        }

        foreach (var (name, node) in definition.Nodes)
        {
            NodeValidator.Validate(name, node, problems);
        }

        GraphValidator.Validate(definition, problems);
        LoopValidator.Validate(definition, problems);

        var size = Encoding.UTF8.GetByteCount(DefinitionCanonicalizer.ToCanonicalJson(definition));
        if (size > DefinitionLimits.MaxDefinitionBytes)
        {
            problems.Add("", $"the definition is {size} bytes; at most {DefinitionLimits.MaxDefinitionBytes} bytes (1 MiB) are allowed");
        }

        foreach (var problem in Nodes.Secrets.SecretReference.Check(definition))
        {
            problems.Add(problem.Path, problem.Message);
        }

        return problems.Problems;
    }
}
