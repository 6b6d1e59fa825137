using Orchestrator.Definitions;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;

namespace Orchestrator.Loops.Steps;

/// <summary>A <c>dotnet</c> node of a <c>process</c>-pool loop: it runs in the loop's worker process, which keeps one
/// instance of it (re-created if the worker had to be restarted).</summary>
internal sealed class WorkerStep(
    string node, NodeDefinition definition, bool blocking, NodeClassRef nodeClass, NodeWorkerProcess worker, LoopStepContext context)
    : LoopStep(node, definition, blocking)
{
    private readonly NodeConfig _config = DotnetNodes.ConfigFor(definition, node, context);

    public override async Task<NodeOutcome> RunAsync(LoopAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var output = await worker.RunAsync(nodeClass, _config, DotnetNodes.DataFor(context, Node, attempt), cancellationToken);
        return NodeOutcome.Of(output);
    }
}
