using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>workflow {workflow, input?}</c>: starts the workflow as a sub-run whose id is
/// <see cref="RunIds.ForSubRun"/> and returns it as <see cref="NodeOutcome.SubRunId"/>; the engine
/// completes the node when the sub-run ends.</summary>
internal sealed class WorkflowExecutor(IServiceProvider services) : INodeExecutor
{
    public string Type => NodeTypes.Workflow;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var workflow = NodeSettings.RequireText(invocation, "workflow");
        invocation.Config.TryGetPropertyValue("input", out var input);
        var grains = services.GetService<IGrainFactory>()
            ?? throw new NodeExecutionException($"workflow node '{invocation.Node}': sub-runs need a silo, and no grain factory is registered.");
        var childId = RunIds.ForSubRun(invocation.RunId, invocation.Node, invocation.Iteration, invocation.Attempt, invocation.ItemIndex);
        await grains.GetGrain<IRunGrain>(childId)
            .StartAsync(new StartRun
            {
                Workflow = workflow,
                Input = input?.DeepClone(),
                Parent = new ParentLink(invocation.RunId, invocation.Node, invocation.Iteration, invocation.Attempt, invocation.ItemIndex),
                TraceParent = invocation.OutgoingTraceParent,
            })
            .WaitAsync(cancellationToken);
        return new NodeOutcome { SubRunId = childId };
    }
}
