using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Dotnet;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Loops.Steps;

/// <summary>A <c>dotnet</c> node run in the silo. One instance serves the loop: it is created and initialized before
/// its first run and reused for every iteration (a blocking node's runs never overlap; a non-blocking node's may, up
/// to <c>maxInFlight</c>), and disposed when the loop's runner ends.</summary>
internal sealed class DotnetStep(
    string node, NodeDefinition definition, bool blocking, Type nodeClass, IServiceProvider services, LoopStepContext context, ILoggerFactory loggers)
    : LoopStep(node, definition, blocking)
{
    private readonly SemaphoreSlim _creating = new(1, 1);
    private BaseNode? _instance;

    public override async Task<NodeOutcome> RunAsync(LoopAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        try
        {
            var instance = await InstanceAsync(cancellationToken);
            var data = DotnetNodes.DataFor(context, Node, attempt);
            LoopNodeLogger.Running(attempt.Iteration);
            var output = instance switch
            {
                BlockingNode b => await b.RunAsync(data, cancellationToken),
                NonBlockingNode n => await n.RunAsync(data, cancellationToken),
                _ => throw new NodeExecutionException(
                    $"dotnet node '{Node}': {nodeClass.FullName} is a ProducerNode; in a loop a producer class goes in the loop's producer, not in its chain."),
            };
            return NodeOutcome.Of(output);
        }
        catch (Exception e) when (e is not NodeExecutionException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new NodeExecutionException(e.Message, e);
        }
    }

    protected override async ValueTask ReleaseAsync()
    {
        await NodeInstances.DisposeAsync(_instance);
        _instance = null;
        _creating.Dispose();
    }

    private async Task<BaseNode> InstanceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _instance) is { } ready)
        {
            return ready;
        }

        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (_instance is null)
            {
                var created = NodeInstances.Create(services, nodeClass, Node, LoopNodeLogger.For(nodeClass, context.Log, Node, loggers));
                await created.InitializeAsync(DotnetNodes.ConfigFor(Definition, Node, context), cancellationToken);
                Volatile.Write(ref _instance, created);
            }

            return _instance!;
        }
        finally
        {
            _creating.Release();
        }
    }
}
