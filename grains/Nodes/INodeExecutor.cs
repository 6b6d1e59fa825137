namespace Orchestrator.Nodes;

/// <summary>Runs one attempt of nodes of one type. Executors are singletons, called concurrently, outside grain turns.</summary>
public interface INodeExecutor
{
    /// <summary>The node type this executor runs (one of <see cref="Definitions.NodeTypes"/>).</summary>
    string Type { get; }

    /// <summary>Runs one attempt. Throwing fails the attempt (the message becomes the node's error); cancellation of
    /// <paramref name="cancellationToken"/> means the run was cancelled or the attempt timed out, and the executor must stop
    /// its work (kill a process, abort a request) and throw <see cref="OperationCanceledException"/>.</summary>
    Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken);
}
