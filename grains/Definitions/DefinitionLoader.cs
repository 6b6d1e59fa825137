namespace Orchestrator.Definitions;

/// <summary>
/// Reads, validates and fingerprints a definition in one step: what a workflow grain does with a definition
/// someone submits.
/// </summary>
public static class DefinitionLoader
{
    /// <summary>Reads <paramref name="text"/> (JSON or YAML) and validates it.</summary>
    public static LoadedDefinition Load(string text, DefinitionFormat format = DefinitionFormat.Auto)
    {
        var parsed = DefinitionParser.Parse(text, format);
        if (parsed.Definition is null)
        {
            return new LoadedDefinition { Problems = parsed.Problems };
        }

        // A value the reader rejected (and replaced by its default) would be reported again by the validator,
        // less precisely; keep the reader's problem only. Duplicate keys (which carry a line) keep the first value,
        // which the validator still checks.
        var rejected = parsed.Problems.Where(problem => problem.Line is null && problem.Path.Length > 0).Select(problem => problem.Path).ToList();
        var validation = DefinitionValidator.Validate(parsed.Definition)
            .Where(problem => !rejected.Any(path => ProblemPath.IsWithin(problem.Path, path)));
        return Complete(parsed.Definition, [.. parsed.Problems, .. validation]);
    }

    /// <summary>Validates a definition built in code (or received as JSON through System.Text.Json).</summary>
    public static LoadedDefinition Load(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Complete(definition, DefinitionValidator.Validate(definition));
    }

    private static LoadedDefinition Complete(WorkflowDefinition definition, IReadOnlyList<DefinitionProblem> problems)
    {
        if (problems.Count > 0)
        {
            return new LoadedDefinition { Definition = definition, Problems = problems };
        }

        return new LoadedDefinition
        {
            Definition = definition,
            Problems = problems,
            CanonicalJson = DefinitionCanonicalizer.ToCanonicalJson(definition),
            ContentHash = DefinitionCanonicalizer.ComputeContentHash(definition),
        };
    }
}
