using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker.TestNodes;

/// <summary>Outputs the trace it runs in: the current activity's trace id and parent span id.</summary>
public sealed class TraceProbeNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(new JsonObject
        {
            ["traceId"] = Activity.Current?.TraceId.ToHexString(),
            ["parentSpanId"] = Activity.Current?.ParentSpanId.ToHexString(),
        });
}
