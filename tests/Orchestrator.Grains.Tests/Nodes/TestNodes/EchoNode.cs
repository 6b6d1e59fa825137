using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>Outputs what it was given: its configuration and its data.</summary>
public sealed class EchoNode : BlockingNode
{
    public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.State["touched"] = true;
        JsonNode output = new JsonObject
        {
            ["name"] = Config.Name,
            ["workflow"] = Config.Workflow,
            ["settings"] = Config.Settings.DeepClone(),
            ["greeting"] = Config.Get("greeting", "none"),
            ["value"] = data.Value?.DeepClone(),
            ["state"] = data.State.DeepClone(),
            ["runId"] = data.RunId,
            ["iteration"] = data.Iteration,
            ["attempt"] = data.Attempt,
            ["idempotencyKey"] = data.IdempotencyKey,
        };
        return Task.FromResult<JsonNode?>(output);
    }
}
