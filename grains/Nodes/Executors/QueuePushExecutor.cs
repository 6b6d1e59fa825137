using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Nodes.Queues;
using Orchestrator.Runtime;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>queue.push {queue, value?}</c>: publishes <c>value</c> (when absent: the forEach item, a loop's data, or
/// else a copy of the run's state) to the queue's durable stream; output <c>{queue, sequence}</c>.</summary>
internal sealed class QueuePushExecutor(IServiceProvider services) : INodeExecutor
{
    public string Type => NodeTypes.QueuePush;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var queue = NodeSettings.RequireText(invocation, "queue");
        var value = invocation.Config.TryGetPropertyValue("value", out var given) ? given?.DeepClone() : NodeSettings.FlowingValue(invocation);
        IAsyncStream<JsonNode?> stream;
        try
        {
            stream = StreamProviders.Get(services, StreamProviderNames.Durable).GetStream<JsonNode?>(QueueStreams.For(queue));
        }
        catch (InvalidOperationException exception)
        {
            throw new NodeExecutionException($"queue.push node '{invocation.Node}': {exception.Message}", exception);
        }

        long sequence;
        try
        {
            sequence = await stream.OnNextAsync(value, cancellationToken);
        }
        catch (StreamFullException exception)
        {
            throw new NodeExecutionException($"queue.push node '{invocation.Node}': {exception.Message}", exception);
        }

        return NodeOutcome.Of(new JsonObject { ["queue"] = queue, ["sequence"] = sequence });
    }
}
