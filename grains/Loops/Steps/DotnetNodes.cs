using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Dotnet;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Loops.Steps;

/// <summary>How loops create, configure and feed <c>dotnet</c> node instances, in the silo or in a worker.</summary>
internal static class DotnetNodes
{
    /// <summary>The node's configuration: its <c>settings</c> (and other type-specific settings but <c>class</c>), with
    /// templates rendered once, when the loop starts (they see no <c>data</c>: that arrives with each run).</summary>
    public static NodeConfig ConfigFor(NodeDefinition definition, string node, LoopStepContext context)
    {
        var rendered = NodeConfigRenderer.Render(definition, new ExpressionContext { Clock = context.Clock }, context.Expressions);
        return new NodeConfig { Name = node, Workflow = context.Workflow, Settings = DotnetExecutor.SettingsOf(rendered) };
    }

    /// <summary>A producer's configuration: named after its loop, with the producer's <c>settings</c>.</summary>
    public static NodeConfig ProducerConfig(string loop, Definitions.ProducerDefinition producer, LoopStepContext context) => new()
    {
        Name = loop,
        Workflow = context.Workflow,
        Settings = producer.Settings is { } settings ? JsonNode.Parse(settings.GetRawText()) as JsonObject ?? [] : [],
    };

    public static NodeData DataFor(LoopStepContext context, string node, LoopAttempt attempt) => new()
    {
        Value = attempt.Data?.DeepClone(),
        RunId = context.RunId,
        Iteration = attempt.Iteration,
        Attempt = attempt.Attempt,
        IdempotencyKey = context.IdempotencyKey(node, attempt),
    };

    /// <summary>The values of a <see cref="ProducerNode"/> running in the silo: one instance, initialized once.</summary>
    public static async IAsyncEnumerable<JsonNode?> ProduceAsync(
        IServiceProvider services, Type producerClass, NodeConfig config, NodeData data,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var instance = NodeInstances.Create(services, producerClass, config.Name);
        try
        {
            if (instance is not ProducerNode producer)
            {
                throw new NodeExecutionException($"loop '{config.Name}': {producerClass.FullName} is not a ProducerNode; a dotnet producer must derive from ProducerNode.");
            }

            await producer.InitializeAsync(config, cancellationToken);
            await foreach (var value in producer.ProduceAsync(data, cancellationToken).WithCancellation(cancellationToken))
            {
                yield return value;
            }
        }
        finally
        {
            await NodeInstances.DisposeAsync(instance);
        }
    }
}
