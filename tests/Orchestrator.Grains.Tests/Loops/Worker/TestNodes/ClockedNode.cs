using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Takes the clock through its constructor, the one service a worker gives; outputs the clock's year.</summary>
public sealed class ClockedNode(TimeProvider clock) : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(clock.GetUtcNow().Year);
}
