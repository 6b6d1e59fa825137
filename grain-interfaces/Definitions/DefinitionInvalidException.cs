namespace Orchestrator.Definitions;

/// <summary>A definition failed validation; <see cref="Problems"/> lists every problem with its path.</summary>
[GenerateSerializer]
public sealed class DefinitionInvalidException : Exception
{
    public DefinitionInvalidException(IReadOnlyList<DefinitionProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    public DefinitionInvalidException()
    {
    }

    public DefinitionInvalidException(string message) : base(message)
    {
    }

    public DefinitionInvalidException(string message, Exception innerException) : base(message, innerException)
    {
    }

    [Id(0)]
    public IReadOnlyList<DefinitionProblem> Problems { get; private set; } = [];

    private static string Describe(IReadOnlyList<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"The definition has {problems.Count} problem(s): " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"));
    }
}
