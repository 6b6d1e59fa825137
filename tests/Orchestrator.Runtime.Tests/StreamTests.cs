using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class StreamTests : IDisposable
{
    private readonly string _database = Silos.NewDatabasePath();
    private readonly Probe _probe = new();

    public void Dispose() => Silos.DeleteDatabase(_database);

    [Fact]
    public async Task DurableStream_DeliversEveryItemInOrderPerStream_AcrossARestart()
    {
        const int perStream = 60;
        string[] keys = ["a", "b", "c"];
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var provider = StreamProviders.Get(silo.Services, StreamProviderNames.Durable);
        foreach (var key in keys)
        {
            for (var i = 0; i < perStream / 2; i++)
            {
                await provider.GetStream<int>(new StreamId("orders", key)).OnNextAsync(i);
            }
        }

        // Stop while the consumers are still working through the first half.
        await silo.StopAsync();
        await using var restarted = await silo.RestartAsync();
        provider = StreamProviders.Get(restarted.Services, StreamProviderNames.Durable);
        foreach (var key in keys)
        {
            for (var i = perStream / 2; i < perStream; i++)
            {
                await provider.GetStream<int>(new StreamId("orders", key)).OnNextAsync(i);
            }
        }

        await _probe.WaitAsync(events => keys.All(k => events.Contains($"order:{k}:{perStream}:{perStream - 1}")));
        foreach (var key in keys)
        {
            var received = _probe.Events
                .Where(e => e.StartsWith($"order:{key}:", StringComparison.Ordinal))
                .Select(e => int.Parse(e.Split(':')[3], System.Globalization.CultureInfo.InvariantCulture))
                .ToList();

            // At least once: every item arrived; redelivery after the restart may repeat a prefix but never reorders.
            Assert.Equal(Enumerable.Range(0, perStream), received.Distinct());
            Assert.True(IsOrderedWithRepeats(received), $"stream {key} out of order: {string.Join(",", received)}");
        }
    }

    [Fact]
    public async Task DurableStream_DeadLettersAnItem_AfterTheConfiguredNumberOfFailures()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, configure: o =>
        {
            o.StreamMaxDeliveryAttempts = 3;
            o.StreamRetryDelay = TimeSpan.FromMilliseconds(5);
        }));
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<string>(new StreamId("poison", "p1"));
        await stream.OnNextAsync("first");
        await stream.OnNextAsync("poison");
        await stream.OnNextAsync("after");

        await _probe.WaitForCountAsync("poison-ok:after", 1);

        Assert.Equal(["poison-attempt:poison:1", "poison-attempt:poison:2", "poison-attempt:poison:3"],
            _probe.Events.Where(e => e.StartsWith("poison-attempt:poison", StringComparison.Ordinal)));
        var deadLetters = await silo.Storage.Streams.ReadDeadLettersAsync(stream.Id, 10, CancellationToken.None);
        var deadLetter = Assert.Single(deadLetters);
        Assert.Equal(2, deadLetter.Sequence);
        Assert.Equal(3, deadLetter.Attempts);
        Assert.Contains("cannot digest poison", deadLetter.Error, StringComparison.Ordinal);
        var stats = await silo.Storage.Streams.GetStatsAsync(stream.Id, CancellationToken.None);
        Assert.Equal(1, stats.DeadLettered);
        Assert.Equal(3, stats.Produced);
    }

    [Fact]
    public async Task ExplicitSubscription_ResumesAfterItsOffset_WhenResubscribedAfterARestart()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var id = new StreamId("readings", "r1");
        var observer = new RecordingObserver(_probe, "first");
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<int>(id);
        var handle = await stream.SubscribeAsync(observer, new StreamSubscriptionOptions { Consumer = "aggregator" });
        for (var i = 1; i <= 5; i++)
        {
            await stream.OnNextAsync(i);
        }

        await _probe.WaitForCountAsync("first:5", 1);
        await handle.UnsubscribeAsync();
        await silo.StopAsync();

        await using var restarted = await silo.RestartAsync();
        stream = StreamProviders.Get(restarted.Services, StreamProviderNames.Durable).GetStream<int>(id);
        for (var i = 6; i <= 8; i++)
        {
            await stream.OnNextAsync(i);
        }

        await using var second = await stream.SubscribeAsync(new RecordingObserver(_probe, "second"), new StreamSubscriptionOptions { Consumer = "aggregator" });
        await _probe.WaitForCountAsync("second:8", 1);
        Assert.Equal(["second:6", "second:7", "second:8"], _probe.Events.Where(e => e.StartsWith("second:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DurableStream_PublisherWaitsWhileFull_AndFailsAfterThePublishTimeout()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, configure: o =>
        {
            o.StreamCapacity = 3;
            o.StreamPublishTimeout = TimeSpan.FromMilliseconds(200);
        }));
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<int>(new StreamId("unread", "u1"));
        await stream.OnNextAsync(1);
        await stream.OnNextAsync(2);
        await stream.OnNextAsync(3);

        var error = await Assert.ThrowsAsync<StreamFullException>(() => stream.OnNextAsync(4));
        Assert.Contains("unread/u1", error.Message, StringComparison.Ordinal);
        var stats = await silo.Storage.Streams.GetStatsAsync(stream.Id, CancellationToken.None);
        Assert.Equal(3, stats.Produced);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task RemoveConsumer_FreesTheItemsItHeldAndUnblocksAWaitingPublisher_WhileTheOtherConsumerGetsEverything(string storage)
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, storage == "sqlite" ? _database : null, configure: o =>
        {
            o.StreamCapacity = 3;
            o.StreamPublishTimeout = TimeSpan.FromMinutes(1);
            // The failing consumer's agent waits this long before its next attempt: it holds the stream until removed.
            o.StreamRetryDelay = TimeSpan.FromMinutes(10);
        }));
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<int>(new StreamId("readings", "full"));
        await using var fast = await stream.SubscribeAsync(new RecordingObserver(_probe, "fast"), new StreamSubscriptionOptions { Consumer = "fast" });
        var stuck = await stream.SubscribeAsync(new FailingObserver(_probe, "stuck"), new StreamSubscriptionOptions { Consumer = "stuck" });
        for (var i = 1; i <= 3; i++)
        {
            await stream.OnNextAsync(i);
        }

        await _probe.WaitAsync(events => events.Contains("fast:3") && events.Contains("stuck-attempt:1"));
        var waiting = stream.OnNextAsync(4);
        Assert.False(waiting.IsCompleted, "the stream holds 3 items the stuck consumer has not acknowledged");

        await stream.RemoveConsumerAsync("stuck");

        Assert.Equal(4, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        await _probe.WaitForCountAsync("fast:4", 1);
        Assert.Equal(["fast:1", "fast:2", "fast:3", "fast:4"], _probe.Events.Where(e => e.StartsWith("fast:", StringComparison.Ordinal)));
        Assert.Equal(["stuck-attempt:1"], _probe.Events.Where(e => e.StartsWith("stuck-", StringComparison.Ordinal)));
        var consumers = (await silo.Storage.Streams.GetStatsAsync(stream.Id, CancellationToken.None)).Consumers;
        Assert.Equal(["fast"], consumers.Select(c => c.Consumer));
        await stuck.UnsubscribeAsync();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task RemoveConsumer_ChangesNothing_WhenTheConsumerIsUnknown(string storage)
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, storage == "sqlite" ? _database : null));
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<int>(new StreamId("readings", "known"));
        await using var reader = await stream.SubscribeAsync(new RecordingObserver(_probe, "reader"), new StreamSubscriptionOptions { Consumer = "reader" });
        await stream.OnNextAsync(1);
        await _probe.WaitForCountAsync("reader:1", 1);
        var before = await silo.Storage.Streams.GetStatsAsync(stream.Id, CancellationToken.None);

        await stream.RemoveConsumerAsync("nobody");
        await StreamProviders.Get(silo.Services, StreamProviderNames.Durable).GetStream<int>(new StreamId("readings", "never-used")).RemoveConsumerAsync("nobody");
        await StreamProviders.Get(silo.Services, StreamProviderNames.Memory).GetStream<int>(new StreamId("events", "live")).RemoveConsumerAsync("nobody");
        await stream.OnNextAsync(2);

        await _probe.WaitForCountAsync("reader:2", 1);
        var after = await silo.Storage.Streams.GetStatsAsync(stream.Id, CancellationToken.None);
        Assert.Equal(before.Consumers.Select(c => c.Consumer), after.Consumers.Select(c => c.Consumer));
        Assert.Equal(2, after.Produced);
        Assert.Equal([stream.Id], await silo.Storage.Streams.ListStreamsAsync("readings", CancellationToken.None));
    }

    [Fact]
    public async Task MemoryStream_DeliversLiveItems_ToEverySubscriber()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe));
        var stream = StreamProviders.Get(silo.Services, StreamProviderNames.Memory).GetStream<int>(new StreamId("events", "run-1"));
        await using var one = await stream.SubscribeAsync(new RecordingObserver(_probe, "one"));
        await using var two = await stream.SubscribeAsync(new RecordingObserver(_probe, "two"));
        for (var i = 1; i <= 3; i++)
        {
            await stream.OnNextAsync(i);
        }

        await _probe.WaitAsync(e => e.Contains("one:3") && e.Contains("two:3"));
        Assert.Equal(["one:1", "one:2", "one:3"], _probe.Events.Where(e => e.StartsWith("one:", StringComparison.Ordinal)));
        Assert.Equal(["two:1", "two:2", "two:3"], _probe.Events.Where(e => e.StartsWith("two:", StringComparison.Ordinal)));
    }

    private static bool IsOrderedWithRepeats(List<int> received)
    {
        // Each value is either the successor of the highest seen so far, or a repeat of an earlier one
        // (redelivery restarts from the last acknowledged item and proceeds in order).
        var highest = -1;
        foreach (var value in received)
        {
            if (value == highest + 1)
            {
                highest = value;
            }
            else if (value > highest)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class RecordingObserver(Probe probe, string name) : IAsyncObserver<int>
    {
        public Task OnNextAsync(int item, StreamSequenceToken token)
        {
            probe.Record($"{name}:{item}");
            return Task.CompletedTask;
        }
    }

    /// <summary>A consumer that is down: every delivery fails.</summary>
    private sealed class FailingObserver(Probe probe, string name) : IAsyncObserver<int>
    {
        public Task OnNextAsync(int item, StreamSequenceToken token)
        {
            probe.Record($"{name}-attempt:{token.DeliveryAttempt}");
            throw new InvalidOperationException($"{name} is down");
        }
    }
}
