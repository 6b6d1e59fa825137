using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Returns, once a <see cref="WaitingForeverNode"/> has started waiting in the same worker, how many waits
/// started and how many were cancelled: the test's way to know what happened inside the worker without polling.</summary>
public sealed class WaitProbeNode : BlockingNode
{
    public override async Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        await WaitingForeverNode.Started.WaitAsync(cancellationToken);
        return new JsonObject
        {
            ["started"] = WaitingForeverNode.StartedCount,
            ["cancelled"] = WaitingForeverNode.CancelledCount,
        };
    }
}
