using Orchestrator.Definitions;
using Orleans.Concurrency;

namespace Orchestrator.Workflows;

/// <summary>Reads and validates definition text for callers that hold no parser (the HTTP API, clients). Keep one key
/// (<see cref="Key"/>); it holds no state.</summary>
public interface IDefinitionReaderGrain : IGrainWithStringKey
{
    /// <summary>The key to use.</summary>
    const string Key = "reader";

    /// <summary>Reads <paramref name="source"/> as JSON or YAML and validates it: the definition (null when the text
    /// could not be read at all) and every problem, those with a line being syntax errors.</summary>
    [ReadOnly]
    Task<DefinitionReadResult> ReadAsync(string source, DefinitionFormat format);
}

/// <summary>What <see cref="IDefinitionReaderGrain.ReadAsync"/> found.</summary>
public sealed record DefinitionReadResult(WorkflowDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems)
{
    /// <summary>True when the text could be read and has no problem.</summary>
    public bool IsValid => Definition is not null && Problems.Count == 0;
}
