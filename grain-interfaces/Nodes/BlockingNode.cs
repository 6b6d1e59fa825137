using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>A node whose work completes before whatever follows it starts (in a loop: before the next iteration).</summary>
public abstract class BlockingNode : BaseNode
{
    /// <summary>Does the node's work and returns its output (an object output is merged into the run's state).</summary>
    public abstract Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken);
}
