using System.Text.Json.Nodes;

namespace Orchestrator.Nodes;

/// <summary>A node that starts iterations: in a loop every value it yields starts one iteration. In a run its output
/// is the array of the values it yielded (at most <see cref="MaxValuesInRun"/>).</summary>
public abstract class ProducerNode : BaseNode
{
    /// <summary>The most values a producer may yield when it runs as a node of a run.</summary>
    public const int MaxValuesInRun = 10_000;

    /// <summary>Yields values until cancelled or done.</summary>
    public abstract IAsyncEnumerable<JsonNode?> ProduceAsync(NodeData data, CancellationToken cancellationToken);
}
