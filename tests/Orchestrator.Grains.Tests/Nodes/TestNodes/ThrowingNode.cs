using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>Fails with the message of its <c>message</c> setting.</summary>
public sealed class ThrowingNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(Config.Get("message", "the node failed"));
}
