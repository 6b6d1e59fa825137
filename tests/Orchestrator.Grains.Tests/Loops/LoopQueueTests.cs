using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Queues;
using Orchestrator.Providers.Streams;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Queues between loops: every consuming loop gets every message, in order, with no duplicate effect, across
/// a restart on SQLite.</summary>
public sealed class LoopQueueTests
{
    private const int Messages = 60;

    [Fact]
    public async Task QueueMessages_ReachEveryConsumingLoopOnceInEffect_AcrossARestart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"loops-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await EngineHost.StartAsync(sqlitePath: database);
            var version = await host.PutAsync($$"""
                name: queue-fanout
                nodes:
                  push: { type: queue.push, queue: fanout, forEach: "input.numbers", value: "${item}" }
                  slow: { type: delay, duration: 5ms }
                  rec-a: { type: dotnet, class: {{RecordClass}}, settings: { as: a } }
                  rec-b: { type: dotnet, class: {{RecordClass}}, settings: { as: b } }
                loops:
                  a:
                    pool: async
                    producer: { type: queue, queue: fanout }
                    chain: [ { node: rec-a }, { node: slow } ]
                  b:
                    pool: thread
                    producer: { type: queue, queue: fanout }
                    chain: [ { node: rec-b }, { node: slow } ]
                """);
            var numbers = new JsonArray([.. Enumerable.Range(1, Messages).Select(n => JsonValue.Create(n))]);
            var run = await host.StartRunAsync(version.Name, new JsonObject { ["numbers"] = numbers });
            var probe = LoopProbe.For(run.RunId);
            await probe.WaitForAsync("a", 15);

            await host.RestartAsync();

            await probe.WaitUntilAsync(entries => Distinct(entries, "a") == Messages && Distinct(entries, "b") == Messages);
            foreach (var loop in new[] { "a", "b" })
            {
                var entries = probe.Entries.Where(e => e.What == loop).ToList();
                // No loss: every number arrived.
                Assert.Equal(Enumerable.Range(1, Messages), entries.Select(e => e.Value!.GetValue<int>()).Distinct().Order());
                // No duplicate effect: each message ran the node under one idempotency key only.
                Assert.All(entries.GroupBy(e => e.Value!.GetValue<int>()), group => Assert.Single(group.Select(e => e.Key).Distinct()));
                // In order: messages were handled by rising sequence.
                var sequences = entries.Select(e => SequenceOf(e.Key)).Distinct().ToList();
                Assert.Equal(sequences.Order(), sequences);
                var snapshot = await host.Loop(run.RunId, loop).GetAsync();
                Assert.Equal(LoopStatus.Running, snapshot.State);
            }

            var directory = (IQueueDirectory)host.Silo.Services.GetService(typeof(IQueueDirectory))!;
            var queue = await EventuallyAsync("queue fanout drained", () => directory.GetAsync("fanout", CancellationToken.None), q => q.Depth == 0);
            Assert.Equal(Messages, queue.Produced);
            Assert.Equal(2, queue.Consumers.Count);
            Assert.All(queue.Consumers, consumer => Assert.Equal(Messages, consumer.Offset));

            await host.Run(run.RunId).CancelAsync("done");
            await host.WaitForLoopAsync(run.RunId, "a", loop => loop.State == LoopStatus.Stopped);
            await host.WaitForLoopAsync(run.RunId, "b", loop => loop.State == LoopStatus.Stopped);
            // Stopped loops give up their subscriptions, so their queue keeps no consumers holding messages.
            var after = await directory.GetAsync("fanout", CancellationToken.None);
            Assert.Empty(after?.Consumers ?? []);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }

    [Fact]
    public async Task NonBlockingPush_FromAProducerThatNeverWaits_HandsEveryMessageOverAndTheLoopEnds()
    {
        const int count = 3000;
        await using var host = await EngineHost.StartAsync();
        var runId = await host.StartAsync($$"""
            name: queue-nonblocking
            loops:
              source:
                pool: async
                producer: { type: dotnet, class: Orchestrator.Grains.Tests.Nodes.TestNodes.CountingProducer, settings: { count: {{count}} } }
                maxInFlight: 64
                chain: [ { node: push, mode: nonblocking } ]
              sink:
                pool: async
                producer: { type: queue, queue: nonblocking }
                chain: [ { node: pass } ]
            nodes:
              push: { type: queue.push, queue: nonblocking, value: "${data}" }
              pass: { type: set, values: { n: "data" } }
            """);

        // Every hand-off reports back, so the source drains them and stops once its producer has nothing more.
        var source = await host.WaitForLoopAsync(runId, "source", loop => loop.State != LoopStatus.Running);
        Assert.Equal((LoopStatus.Stopped, (long)count, 0), (source.State, source.Nodes["push"].Succeeded, source.InFlight));
        var sink = await host.WaitForLoopAsync(runId, "sink", loop => loop.Completed >= count);
        Assert.Equal(count, sink.Completed);
        await host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task DuplicatePush_IsDroppedByMessageId()
    {
        await using var host = await EngineHost.StartAsync();
        var runId = await host.StartAsync($$"""
            name: queue-duplicates
            loops:
              main:
                producer: { type: queue, queue: dupes }
                chain: [ { node: rec } ]
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        await host.WaitForLoopAsync(runId, "main", loop => loop.State == LoopStatus.Running);
        var stream = TopicProviders.Get(host.Silo.Services, TopicProviderNames.Durable).GetTopic<QueueMessage>(StreamId.Create("queue", "dupes"));

        await stream.OnNextAsync(new QueueMessage { Id = "m1", Value = 1 });
        await stream.OnNextAsync(new QueueMessage { Id = "m1", Value = 1 });
        await stream.OnNextAsync(new QueueMessage { Id = "m2", Value = 2 });

        var loop = await host.WaitForLoopAsync(runId, "main", l => l.Completed + l.DuplicatesDropped == 3);
        Assert.Equal(2, loop.Completed);
        Assert.Equal(1, loop.DuplicatesDropped);
        Assert.Equal([1, 2], LoopProbe.For(runId).Entries.Where(e => e.What == "record").Select(e => e.Value!.GetValue<int>()));
        await host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task FullQueue_MakesThePushingLoopWait_UntilTheConsumerCatchesUp()
    {
        await using var host = await EngineHost.StartAsync(streams: options =>
        {
            options.Capacity = 3;
            options.PublishTimeout = TimeSpan.FromMinutes(5);
        });
        var runId = await host.StartAsync($$"""
            name: queue-backpressure
            loops:
              source:
                producer: { type: interval, every: 1ms }
                chain: [ { node: stamp }, { node: push } ]
              sink:
                producer: { type: queue, queue: backpressure }
                chain: [ { node: hold } ]
            nodes:
              stamp: { type: set, values: { n: "iteration" } }
              push: { type: queue.push, queue: backpressure, value: "${data}" }
              hold: { type: dotnet, class: {{GateClass}} }
            """);
        var probe = LoopProbe.For(runId);

        // The sink holds the first message; three stored messages fill the queue, so the fourth push waits.
        await probe.WaitForAsync("entered", 1);
        await host.WaitForLoopAsync(runId, "source", loop => loop.Iterations == 4 && loop.Nodes["push"].Succeeded == 3);
        await Task.Delay(300);
        var waiting = await host.Loop(runId, "source").GetAsync();
        Assert.Equal(4, waiting.Iterations);
        Assert.Equal(3, waiting.Nodes["push"].Succeeded);
        Assert.Equal(0, waiting.Errors);

        probe.Open(1_000);
        await host.WaitForLoopAsync(runId, "source", loop => loop.Nodes["push"].Succeeded >= 10);
        await host.WaitForLoopAsync(runId, "sink", loop => loop.Completed >= 10);
        await host.Run(runId).CancelAsync("done");
        probe.Open(1_000);
    }

    private static int Distinct(IReadOnlyList<ProbeEntry> entries, string loop) =>
        entries.Where(e => e.What == loop).Select(e => e.Value!.GetValue<int>()).Distinct().Count();

    /// <summary>Keys are <c>{loopId}/{node}/q{sequence}/{attempt}</c>.</summary>
    private static long SequenceOf(string key) =>
        long.Parse(key.Split('/')[^2].TrimStart('q'), CultureInfo.InvariantCulture);
}
