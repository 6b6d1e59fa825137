using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Nodes.Dotnet;

namespace Orchestrator.Nodes.Executors;

/// <summary>
/// <c>dotnet {class, settings?}</c>: runs a user-written node class found by the <see cref="DotnetNodeCatalog"/>. A new
/// instance is created per attempt (constructor parameters come from the silo's services), initialized with a
/// <see cref="NodeConfig"/> whose settings are the node's <c>settings</c> mapping (plus any other type-specific
/// setting except <c>class</c>), and run with a <see cref="NodeData"/>. A <see cref="ProducerNode"/>'s output is the
/// array of the values it yields. An exception from the node fails the attempt with the exception's message.
/// </summary>
internal sealed class DotnetExecutor(DotnetNodeCatalog catalog, IServiceProvider services) : INodeExecutor
{
    public string Type => NodeTypes.DotNet;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var className = NodeSettings.RequireText(invocation, "class");
        var type = catalog.Resolve(className);
        cancellationToken.ThrowIfCancellationRequested();

        var node = NodeInstances.Create(services, type, invocation.Node);

        try
        {
            var config = new NodeConfig { Name = invocation.Node, Workflow = invocation.Workflow, Settings = SettingsOf(invocation.Config) };
            var data = new NodeData
            {
                Value = NodeSettings.FlowingValue(invocation),
                State = NodeSettings.CopyOfState(invocation),
                RunId = invocation.RunId,
                Iteration = invocation.Iteration,
                Attempt = invocation.Attempt,
                IdempotencyKey = invocation.IdempotencyKey,
            };
            await node.InitializeAsync(config, cancellationToken);
            var output = node switch
            {
                BlockingNode blocking => await blocking.RunAsync(data, cancellationToken),
                NonBlockingNode nonBlocking => await nonBlocking.RunAsync(data, cancellationToken),
                ProducerNode producer => await CollectAsync(producer, data, className, cancellationToken),
                _ => throw new NodeExecutionException($"dotnet node '{invocation.Node}': {className} is not a BlockingNode, NonBlockingNode or ProducerNode."),
            };
            return NodeOutcome.Of(output);
        }
        catch (Exception exception) when (exception is not NodeExecutionException
            && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The node's own failure: its message is what the user sees.
            throw new NodeExecutionException(exception.Message, exception);
        }
        finally
        {
            await NodeInstances.DisposeAsync(node);
        }
    }

    /// <summary>The node's <c>settings</c> mapping, with any other type-specific setting but <c>class</c> beside it.</summary>
    internal static JsonObject SettingsOf(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = new JsonObject();
        foreach (var (name, value) in config)
        {
            if (name is "class")
            {
                continue;
            }

            if (name is "settings" && value is JsonObject nested)
            {
                foreach (var (key, setting) in nested)
                {
                    settings[key] = setting?.DeepClone();
                }
            }
            else
            {
                settings[name] = value?.DeepClone();
            }
        }

        return settings;
    }

    private static async Task<JsonNode?> CollectAsync(ProducerNode producer, NodeData data, string className, CancellationToken cancellationToken)
    {
        var values = new JsonArray();
        await foreach (var value in producer.ProduceAsync(data, cancellationToken).WithCancellation(cancellationToken))
        {
            if (values.Count == ProducerNode.MaxValuesInRun)
            {
                throw new NodeExecutionException(
                    $"{className} yielded more than {ProducerNode.MaxValuesInRun} values; a producer that runs as a node of a run may yield at most that many.");
            }

            values.Add(value?.DeepClone());
        }

        return values;
    }
}
