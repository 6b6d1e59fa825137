using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>delay {duration}</c>: waits on the clock, then completes with no output.</summary>
internal sealed class DelayExecutor([FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock) : INodeExecutor
{
    public string Type => NodeTypes.Delay;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var text = NodeSettings.RequireText(invocation, "duration");
        if (!Duration.TryParse(text, out var duration, out var error))
        {
            throw new NodeExecutionException($"delay node '{invocation.Node}': {error}");
        }

        await Task.Delay(duration, clock, cancellationToken);
        return NodeOutcome.Empty;
    }
}
