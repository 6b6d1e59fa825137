using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Loops.Pools;
using Orchestrator.Loops.Producers;
using Orchestrator.Loops.Steps;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Dotnet;
using Orchestrator.Nodes.Queues;
using Orchestrator.Queues;
using Orchestrator.Providers.Streams;
using Orchestrator.Schedules;

namespace Orchestrator.Loops;

/// <summary>Builds a loop's runner from its definition: the pool, one step per chain node, and the producer.</summary>
internal sealed class LoopRunnerFactory(
    NodeExecutorRegistry executors,
    DotnetNodeCatalog catalog,
    IServiceProvider services,
    ILoggerFactory loggers)
{
    /// <exception cref="NodeExecutionException">A node or producer class cannot be found or configured.</exception>
    public async Task<LoopRunner> CreateAsync(LoopRunnerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var context = new LoopStepContext(setup.LoopId, setup.RunId, setup.Workflow, setup.Cached.Expressions, setup.Clock, setup.Log);
        var worker = setup.Definition.Pool == LoopPools.Process ? new NodeWorkerProcess(setup.LoopId, loggers.CreateLogger<NodeWorkerProcess>()) : null;
        LoopPool pool = setup.Definition.Pool switch
        {
            LoopPools.Thread => new ThreadLoopPool(setup.LoopId),
            LoopPools.Process => new ProcessLoopPool(worker!),
            _ => new AsyncLoopPool(),
        };
        var steps = new List<LoopStep>();
        try
        {
            foreach (var step in setup.Definition.Chain)
            {
                steps.Add(CreateStep(step, setup.Cached.Definition.Nodes[step.Node], context, worker));
            }

            var producer = CreateProducer(setup, context, worker);
            return new LoopRunner(setup, pool, producer, steps);
        }
        catch
        {
            foreach (var step in steps)
            {
                await step.DisposeAsync();
            }

            await pool.DisposeAsync();
            throw;
        }
    }

    private LoopStep CreateStep(ChainStepDefinition step, NodeDefinition definition, LoopStepContext context, NodeWorkerProcess? worker)
    {
        var blocking = step.Mode != ChainModes.NonBlocking;
        if (definition.Type != NodeTypes.DotNet)
        {
            return new ExecutorStep(step.Node, definition, blocking, executors.Get(definition.Type), context);
        }

        var className = ClassOf(definition, step.Node);
        var type = catalog.Resolve(className);
        return worker is null
            ? new DotnetStep(step.Node, definition, blocking, type, services, context, loggers)
            : new WorkerStep(step.Node, definition, blocking, new NodeClassRef(className, type.Assembly.Location), worker, context);
    }

    private LoopProducer CreateProducer(LoopRunnerSetup setup, LoopStepContext context, NodeWorkerProcess? worker)
    {
        var producer = setup.Definition.Producer;
        switch (producer.Type)
        {
            case ProducerTypes.Interval:
                return new IntervalProducer(Duration.Parse(producer.Every!), setup.Clock);
            case ProducerTypes.Cron:
                var schedule = CronExpressions.TryParse(producer.Expression!, out var error)
                    ?? throw new NodeExecutionException($"loop '{setup.Loop}': producer.expression: {error}");
                var zone = producer.TimeZone is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Utc;
                return new CronProducer(new CronCalendar(schedule, producer.Expression!, zone), setup.Clock);
            case ProducerTypes.Queue:
                var stream = TopicProviders.Get(services, TopicProviderNames.Durable).GetTopic<QueueMessage>(QueueStreams.For(producer.Queue!));
                return new QueueProducer(
                    stream,
                    producer.Queue!,
                    QueueProducer.ConsumerOf(setup.LoopId),
                    setup.Window,
                    setup.Counters,
                    cancellationToken => setup.Self.CheckpointAsync(null, null).WaitAsync(cancellationToken),
                    setup.Clock);
            default:
                var className = producer.Class!;
                var type = catalog.Resolve(className);
                var config = DotnetNodes.ProducerConfig(setup.Loop, producer, context);
                var data = new NodeData
                {
                    RunId = setup.RunId,
                    IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"{setup.LoopId}/producer/{setup.Epoch}"),
                };
                return worker is null
                    ? new DotnetProducer(cancellationToken => DotnetNodes.ProduceAsync(services, type, config, data, cancellationToken))
                    : new DotnetProducer(cancellationToken => worker.ProduceAsync(new NodeClassRef(className, type.Assembly.Location), config, data, cancellationToken));
        }
    }

    private static string ClassOf(NodeDefinition definition, string node) =>
        definition.GetConfig("class") is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } className
            ? className
            : throw new NodeExecutionException($"dotnet node '{node}': the setting 'class' is required.");
}
