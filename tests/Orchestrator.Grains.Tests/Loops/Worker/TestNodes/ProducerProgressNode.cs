using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Outputs what <see cref="RecordingProducer"/> recorded in the same worker.</summary>
public sealed class ProducerProgressNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(new JsonObject { ["yielded"] = RecordingProducer.Yielded, ["closed"] = RecordingProducer.Closed });
}
