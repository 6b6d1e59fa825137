using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;
using Orchestrator.Queues;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class QueuePushExecutorTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartAsync(new TestSiloOptions { Services = services => services.AddNodeExecutors() });

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task QueuePush_PublishesTheValueToTheDurableQueue_WhenValueIsGiven()
    {
        var received = await SubscribeAsync("readings", expected: 2);

        var first = await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"readings","value":{"t":"${state.t}"}}""", state: new JsonObject { ["t"] = 21.5 }));
        var second = await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"readings","value":"plain"}"""));

        Assert.Equal(1, first.Output!["sequence"]!.GetValue<long>());
        Assert.Equal(2, second.Output!["sequence"]!.GetValue<long>());
        var messages = await received;
        Assert.Equal(["""{"t":21.5}""", "\"plain\""], messages.Select(message => message.Value?.ToJsonString()));
        Assert.Equal(first.Output!["id"]!.GetValue<string>(), messages[0].Id);
    }

    [Fact]
    public async Task QueuePush_GivesTheSameMessageId_WhenTheSameNodeIterationIsRetried()
    {
        var received = await SubscribeAsync("retried", expected: 3);
        var first = Invocations.Create("""{"type":"queue.push","queue":"retried","value":1}""");

        await PushAsync(first);
        await PushAsync(first with { Attempt = 2, IdempotencyKey = "other" });
        await PushAsync(first with { Iteration = 2 });

        var ids = (await received).Select(message => message.Id).ToList();
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[0], ids[2]);
    }

    [Fact]
    public async Task QueuePush_PublishesACopyOfState_WhenValueIsAbsent()
    {
        var received = await SubscribeAsync("states", expected: 1);

        await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"states"}""", state: new JsonObject { ["a"] = 1 }));

        Assert.Equal(["""{"a":1}"""], (await received).Select(message => message.Value?.ToJsonString()));
    }

    [Fact]
    public async Task QueuePush_PublishesTheItem_WhenValueIsAbsentInAForEachElement()
    {
        var received = await SubscribeAsync("items", expected: 1);

        await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"items"}""", state: new JsonObject { ["a"] = 1 }, itemIndex: 0, item: JsonValue.Create("first")));

        Assert.Equal(["\"first\""], (await received).Select(message => message.Value?.ToJsonString()));
    }

    private Task<NodeOutcome> PushAsync(NodeInvocation invocation) =>
        _silo.Services.GetRequiredService<NodeExecutorRegistry>().ExecuteAsync(invocation, CancellationToken.None);

    /// <summary>Subscribes a durable consumer to the queue; the task completes with the first <paramref name="expected"/> items.</summary>
    private async Task<Task<List<QueueMessage>>> SubscribeAsync(string queue, int expected)
    {
        var observer = new CollectingObserver(expected);
        var stream = TopicProviders.Get(_silo.Services, TopicProviderNames.Durable).GetTopic<QueueMessage>(StreamId.Create("queue", queue));
        await stream.SubscribeAsync(observer, new TopicSubscriptionOptions { Consumer = "test" });
        return observer.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class CollectingObserver(int expected) : ITopicObserver<QueueMessage>
    {
        private readonly List<QueueMessage> _items = [];

        public TaskCompletionSource<List<QueueMessage>> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnNextAsync(QueueMessage item, TopicPosition token)
        {
            lock (_items)
            {
                _items.Add(item);
                if (_items.Count == expected)
                {
                    Completed.TrySetResult([.. _items]);
                }
            }

            return Task.CompletedTask;
        }
    }
}
