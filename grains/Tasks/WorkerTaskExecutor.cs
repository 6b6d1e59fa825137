using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Tasks;

/// <summary><c>worker {queue, heartbeatTimeout?, input?}</c>: puts the attempt on its task queue and returns the task's id
/// as <see cref="NodeOutcome.TaskId"/>, handing the attempt off as a <c>workflow</c> node hands it to a sub-run: the node
/// then holds no slot of the run's parallel-attempt budget and no thread, and completes when the queue reports the
/// task's end.</summary>
internal sealed class WorkerTaskExecutor(IServiceProvider services) : INodeExecutor
{
    /// <summary>How long a claim lives without a heartbeat when the node does not say.</summary>
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(30);

    public string Type => NodeTypes.Worker;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var queue = NodeSettings.RequireText(invocation, "queue");
        var heartbeatTimeout = DefaultHeartbeatTimeout;
        if (invocation.Config["heartbeatTimeout"] is JsonValue text && text.TryGetValue<string>(out var duration)
            && (!Duration.TryParse(duration, out heartbeatTimeout, out var error) || heartbeatTimeout <= TimeSpan.Zero))
        {
            throw new NodeExecutionException($"worker node '{invocation.Node}': heartbeatTimeout '{duration}' is not a positive duration{(error is null ? "" : $": {error}")}.");
        }

        var grains = services.GetService<IGrainFactory>()
            ?? throw new NodeExecutionException($"worker node '{invocation.Node}': task queues need a silo, and no grain factory is registered.");
        var taskId = await grains.GetGrain<ITaskQueueEngineGrain>(queue)
            .EnqueueAsync(new NewWorkerTask
            {
                RunId = invocation.RunId,
                Workflow = invocation.Workflow,
                Node = invocation.Node,
                Iteration = invocation.Iteration,
                Attempt = invocation.Attempt,
                ItemIndex = invocation.ItemIndex,
                IdempotencyKey = invocation.IdempotencyKey,
                Input = Input(invocation),
                HeartbeatTimeout = heartbeatTimeout,
                Timeout = invocation.Definition.Timeout is { } timeout ? Duration.Parse(timeout) : null,
            })
            .WaitAsync(cancellationToken);
        return new NodeOutcome { TaskId = taskId };
    }

    /// <summary>The rendered <c>input</c>; for a forEach element, an object with the element's <c>item</c> and
    /// <c>itemIndex</c> besides the input's members (or besides <c>input</c> itself, when it is not an object).</summary>
    private static JsonNode? Input(NodeInvocation invocation)
    {
        invocation.Config.TryGetPropertyValue("input", out var input);
        if (invocation.ItemIndex is not { } index)
        {
            return input?.DeepClone();
        }

        var element = input is JsonObject members ? (JsonObject)members.DeepClone() : new JsonObject { ["input"] = input?.DeepClone() };
        element["item"] = invocation.Context.Item?.DeepClone();
        element["itemIndex"] = index;
        return element;
    }
}
