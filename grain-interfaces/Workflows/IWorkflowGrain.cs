using Orchestrator.Definitions;
using Orleans.Concurrency;

namespace Orchestrator.Workflows;

/// <summary>A workflow (key: its name): validated definitions kept as immutable numbered versions.</summary>
public interface IWorkflowGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores <paramref name="definition"/> as a new version, or returns the existing version with
    /// the same content. Throws <see cref="DefinitionInvalidException"/> listing every problem.</summary>
    Task<WorkflowVersion> PutAsync(WorkflowDefinition definition);

    /// <summary>A version (the latest when null). Throws <see cref="WorkflowNotFoundException"/>.</summary>
    [ReadOnly]
    Task<(WorkflowDefinition Definition, WorkflowVersion Version)> GetDefinitionAsync(int? version);

    /// <summary>The workflow's versions, or null when it was never stored.</summary>
    [ReadOnly]
    Task<WorkflowInfo?> GetInfoAsync();

    /// <summary>Retires the workflow: no new runs start; stored versions and runs stay readable.</summary>
    Task RetireAsync();
}
