using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Diagnostics;
using Orchestrator.Nodes.Queues;
using Orchestrator.Queues;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Nodes.Executors;

/// <summary><c>queue.push {queue, value?}</c>: publishes <c>value</c> (when absent: the forEach item, a loop's data, or
/// else a copy of the run's state) to the queue's durable stream as a <see cref="QueueMessage"/> whose id is the node's
/// <see cref="NodeInvocation.StableKey"/>, so a push retried after a crash carries the id of the first and consumers
/// drop the copy; output <c>{queue, sequence, id}</c>. While the queue is full the push waits (up to the silo's
/// publish timeout, then the attempt fails and the retry policy applies).</summary>
internal sealed class QueuePushExecutor(IServiceProvider services, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock) : INodeExecutor
{
    public string Type => NodeTypes.QueuePush;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var queue = NodeSettings.RequireText(invocation, "queue");
        var value = invocation.Config.TryGetPropertyValue("value", out var given) ? given?.DeepClone() : NodeSettings.FlowingValue(invocation);
        var id = invocation.StableKey;
        ITopic<QueueMessage> stream;
        try
        {
            stream = TopicProviders.Get(services, TopicProviderNames.Durable).GetTopic<QueueMessage>(QueueStreams.For(queue));
        }
        catch (InvalidOperationException exception)
        {
            throw new NodeExecutionException($"queue.push node '{invocation.Node}': {exception.Message}", exception);
        }

        long sequence;
        using var span = OrchestratorTracing.Source.StartActivity($"queue.push {queue}", ActivityKind.Producer);
        span?.SetTag(TraceTags.MessagingSystem, "orchestrator");
        span?.SetTag(TraceTags.MessagingOperation, "send");
        span?.SetTag(TraceTags.Queue, queue);
        try
        {
            var message = new QueueMessage { Id = id, Value = value, ProducedAt = clock.GetUtcNow(), TraceParent = invocation.OutgoingTraceParent };
            sequence = await stream.OnNextAsync(message, cancellationToken);
        }
        catch (StreamFullException exception)
        {
            throw new NodeExecutionException($"queue.push node '{invocation.Node}': {exception.Message}", exception);
        }

        return NodeOutcome.Of(new JsonObject { ["queue"] = queue, ["sequence"] = sequence, ["id"] = id });
    }
}
