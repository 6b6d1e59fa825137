using System.Text.Json;
using Orchestrator.Expressions;

namespace Orchestrator.Definitions;

/// <summary>Gathers a definition's problems, with the checks that several parts of a definition share.</summary>
internal sealed class ProblemCollector(IReadOnlyDictionary<string, NodeDefinition> nodes)
{
    private readonly List<DefinitionProblem> _problems = [];

    public IReadOnlyList<DefinitionProblem> Problems => _problems;

    public void Add(string path, string message) => _problems.Add(new DefinitionProblem(path, message));

    /// <summary>Checks a duration string (absent is fine) and returns its value when it is valid.</summary>
    public TimeSpan? CheckDuration(string path, string? text, bool mustBePositive)
    {
        if (text is null)
        {
            return null;
        }

        if (!Duration.TryParse(text, out var value, out var error))
        {
            Add(path, error);
            return null;
        }

        if (mustBePositive && value <= TimeSpan.Zero)
        {
            Add(path, "must be longer than 0s");
            return null;
        }

        return value;
    }

    /// <summary>Checks an expression (absent is fine): its syntax, its limits and the nodes it names.</summary>
    public void CheckExpression(string path, string? text)
    {
        if (text is null)
        {
            return;
        }

        try
        {
            CheckReferences(path, CompiledExpression.Parse(text).ReferencedNodes);
        }
        catch (ExpressionException e)
        {
            Add(path, $"invalid expression: {e.Message}");
        }
    }

    /// <summary>Checks the <c>${…}</c> templates in every string of <paramref name="value"/>, however deeply nested.</summary>
    public void CheckTemplates(string path, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (!CompiledTemplate.MayContainExpressions(text))
                {
                    return;
                }

                try
                {
                    CheckReferences(path, CompiledTemplate.Parse(text).ReferencedNodes);
                }
                catch (ExpressionException e)
                {
                    Add(path, $"invalid template: {e.Message}");
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    CheckTemplates(ProblemPath.Member(path, property.Name), property.Value);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    CheckTemplates(ProblemPath.Index(path, index++), element);
                }

                break;
        }
    }

    private void CheckReferences(string path, IReadOnlySet<string> referenced)
    {
        foreach (var name in referenced)
        {
            if (!nodes.ContainsKey(name))
            {
                Add(path, $"reads nodes.{name}, but there is no node '{name}'");
            }
        }
    }
}
