using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>Waits until cancelled.</summary>
public sealed class WaitingNode : BlockingNode
{
    public override async Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return null;
    }
}
