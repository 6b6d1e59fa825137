using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Loops.Producers;
using Orchestrator.Nodes.Queues;
using Orchestrator.Providers.Queues;
using Orchestrator.Queues;
using Orchestrator.Runs;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>A loop that ends, however it ends, gives up its queue consumer; a consumer whose loop ended or does not
/// exist is removed when the silo starts.</summary>
public sealed class LoopConsumerCleanupTests
{
    [Fact]
    public async Task LoopThatEndsInError_GivesUpItsQueueConsumer_WithMessagesStillStored()
    {
        await using var host = await EngineHost.StartAsync();
        var version = await host.PutAsync($$"""
            name: errored-consumer
            nodes:
              push: { type: queue.push, queue: errored, forEach: "input.numbers", value: "${item}" }
              check: { type: dotnet, class: {{FailWhenAskedClass}}, settings: { always: true }, retry: { maxAttempts: 1 } }
            loops:
              sink:
                producer: { type: queue, queue: errored }
                onError: stop
                chain: [ { node: check } ]
            """);
        var numbers = new JsonArray([.. Enumerable.Range(1, 20).Select(n => JsonValue.Create(n))]);
        var runId = (await host.StartRunAsync(version.Name, new JsonObject { ["numbers"] = numbers })).RunId;

        var loop = await host.WaitForLoopAsync(runId, "sink", l => l.State.IsEnded());
        Assert.Equal(LoopStatus.Error, loop.State);
        Assert.Equal(RunStatus.Failed, (await host.WaitForEndAsync(runId)).Status);

        var queue = await EventuallyAsync(
            "queue errored without consumers",
            () => Directory(host).GetAsync("errored", CancellationToken.None),
            q => q.Consumers.Count == 0);
        Assert.Equal(20, queue.Produced);
    }

    [Fact]
    public async Task SiloStart_RemovesConsumersOfLoopsThatEndedOrDoNotExist_AndKeepsTheOthers()
    {
        await using var host = await EngineHost.StartAsync();
        var version = await host.PutAsync($$"""
            name: swept
            loops:
              main:
                producer: { type: queue, queue: swept }
                chain: [ { node: rec } ]
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        var running = (await host.StartRunAsync(version.Name)).RunId;
        var ended = (await host.StartRunAsync(version.Name)).RunId;
        await host.WaitForLoopAsync(running, "main", l => l.State == LoopStatus.Running);
        await host.WaitForLoopAsync(ended, "main", l => l.State == LoopStatus.Running);
        await host.Run(ended).CancelAsync("done");
        await host.WaitForLoopAsync(ended, "main", l => l.State == LoopStatus.Stopped);

        // What a silo that died between a loop's end and the removal of its consumer leaves, and consumers of loops that
        // are gone or read another queue; a consumer that is no loop's is someone else's.
        var store = host.Silo.Services.GetRequiredService<IQueueStore>();
        var swept = QueueStreams.For("swept");
        await store.RegisterConsumerAsync(swept, QueueProducer.ConsumerOf(LoopIds.For(ended, "main")), CancellationToken.None);
        await store.RegisterConsumerAsync(swept, QueueProducer.ConsumerOf("no-such-run:main"), CancellationToken.None);
        await store.RegisterConsumerAsync(swept, QueueProducer.ConsumerOf("not-a-loop-id"), CancellationToken.None);
        await store.RegisterConsumerAsync(QueueStreams.For("elsewhere"), QueueProducer.ConsumerOf(LoopIds.For(running, "main")), CancellationToken.None);
        await store.RegisterConsumerAsync(swept, "audit", CancellationToken.None);

        await host.RestartAsync();

        var consumers = await host.Silo.Services.GetRequiredService<IQueueStore>().ListConsumersAsync(QueueStreams.Namespace, CancellationToken.None);
        Assert.Equal(
            ["swept audit", $"swept {QueueProducer.ConsumerOf(LoopIds.For(running, "main"))}"],
            consumers.Select(c => $"{c.Queue.GetKeyAsString()} {c.Consumer}").Order(StringComparer.Ordinal));
        Assert.Equal(LoopStatus.Running, (await host.Loop(running, "main").GetAsync()).State);
        await host.Run(running).CancelAsync("done");
    }

    private static IQueueDirectory Directory(EngineHost host) => host.Silo.Services.GetRequiredService<IQueueDirectory>();
}
