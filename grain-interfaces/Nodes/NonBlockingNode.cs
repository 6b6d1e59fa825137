using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>A node whose side effects happen independently: in a loop the chain goes on without waiting for it. In a
/// run it is awaited like any node.</summary>
public abstract class NonBlockingNode : BaseNode
{
    /// <summary>Does the node's work and returns its output.</summary>
    public abstract Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken);
}
