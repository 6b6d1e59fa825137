using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>Builds the <see cref="NodeInvocation"/> the engine would hand an executor: the node read from its JSON
/// definition and its settings rendered against the context as the engine renders them (all but <c>set.values</c>, and
/// <c>${job.id}</c> left for the job executor).</summary>
internal static class Invocations
{
    public static NodeInvocation Create(
        string nodeJson,
        JsonNode? state = null,
        string node = "step",
        int attempt = 1,
        int iteration = 1,
        int? itemIndex = null,
        JsonNode? item = null,
        JsonNode? input = null,
        JsonNode? nodes = null,
        string runId = "run-1",
        string workflow = "tests")
    {
        var definition = JsonSerializer.Deserialize<NodeDefinition>(nodeJson, JsonSerializerOptions.Web)
            ?? throw new ArgumentException("not a node definition", nameof(nodeJson));
        var cache = new ExpressionCache();
        var context = new ExpressionContext
        {
            State = state ?? new JsonObject(),
            Input = input,
            Nodes = nodes ?? new JsonObject(),
            Iteration = iteration,
            Attempt = attempt,
            Item = item,
        };
        var config = NodeConfigRenderer.Render(definition, context, cache);

        var key = $"{runId}/{node}/{iteration}/{attempt}" + (itemIndex is null ? "" : $"/{itemIndex}");
        return new NodeInvocation
        {
            RunId = runId,
            Workflow = workflow,
            Node = node,
            Definition = definition,
            Config = config,
            Context = context,
            Expressions = cache,
            Iteration = iteration,
            Attempt = attempt,
            ItemIndex = itemIndex,
            IdempotencyKey = key,
        };
    }
}
