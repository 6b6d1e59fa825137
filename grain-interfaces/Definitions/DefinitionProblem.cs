namespace Orchestrator.Definitions;

/// <summary>
/// One thing wrong with a definition, named by its path (<c>nodes.analyze.retry.multiplier</c>,
/// <c>edges[1].to</c>; empty for the document as a whole) and what to do about it.
/// </summary>
/// <param name="Path">Where the problem is, in the definition's own terms.</param>
/// <param name="Message">What is wrong.</param>
public sealed record DefinitionProblem(string Path, string Message)
{
    /// <summary>The 1-based line in the source text, when the problem was found while reading it.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column in the source text, when the problem was found while reading it.</summary>
    public int? Column { get; init; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var location = Line is null ? "" : $" (line {Line}, column {Column})";
        return Path.Length == 0 ? $"{Message}{location}" : $"{Path}: {Message}{location}";
    }
}
