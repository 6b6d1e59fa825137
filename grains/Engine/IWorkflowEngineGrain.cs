using Orleans.Concurrency;

namespace Orchestrator.Workflows;

/// <summary>What runs ask of their workflow (key: the workflow's name), on the same grain as <see cref="IWorkflowGrain"/>.
/// Internal to the grains: the API, clients and the grain client's interface never see it.</summary>
internal interface IWorkflowEngineGrain : IGrainWithStringKey
{
    /// <summary>The version a new run starts on (the latest when <paramref name="version"/> is null), in one call and
    /// without the definition itself, which runs read from their silo's <c>DefinitionCache</c>. Throws
    /// <see cref="WorkflowNotFoundException"/>, or <see cref="WorkflowRetiredException"/> when the workflow is retired.</summary>
    [ReadOnly]
    Task<WorkflowVersion> ResolveForRunAsync(int? version);
}
