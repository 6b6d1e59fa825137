using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>noop</c>: completes at once with no output (a join point).</summary>
internal sealed class NoopExecutor : INodeExecutor
{
    public string Type => NodeTypes.Noop;

    /// <inheritdoc/>
    public Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(NodeOutcome.Empty);
    }
}
