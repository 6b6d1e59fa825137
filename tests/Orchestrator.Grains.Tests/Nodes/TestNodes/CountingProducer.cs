using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>Yields 1…<c>count</c> (a setting; 3 when absent).</summary>
public sealed class CountingProducer : ProducerNode
{
    public override async IAsyncEnumerable<JsonNode?> ProduceAsync(NodeData data, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = Config.Get("count", 3);
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return JsonValue.Create(i);
        }
    }
}
