namespace Orchestrator.Definitions;

/// <summary>A definition read and validated by <see cref="DefinitionLoader"/>.</summary>
public sealed record LoadedDefinition
{
    /// <summary>The model; null when the text could not be read as a definition at all.</summary>
    public WorkflowDefinition? Definition { get; init; }

    /// <summary>Every problem found, from reading and from validation; empty when the definition is valid.</summary>
    public IReadOnlyList<DefinitionProblem> Problems { get; init; } = [];

    /// <summary>The canonical JSON of a valid definition (see <see cref="DefinitionCanonicalizer"/>); null otherwise.</summary>
    public string? CanonicalJson { get; init; }

    /// <summary>The content hash of a valid definition; equal hashes mean the same content. Null otherwise.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Whether the definition was read and has no problem.</summary>
    public bool IsValid => Definition is not null && Problems.Count == 0;
}
