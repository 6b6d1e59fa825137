using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Testing;

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

        Assert.Equal("""{"queue":"readings","sequence":1}""", first.Output!.ToJsonString());
        Assert.Equal(2, second.Output!["sequence"]!.GetValue<long>());
        Assert.Equal(["""{"t":21.5}""", "\"plain\""], (await received).Select(item => item?.ToJsonString()));
    }

    [Fact]
    public async Task QueuePush_PublishesACopyOfState_WhenValueIsAbsent()
    {
        var received = await SubscribeAsync("states", expected: 1);

        await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"states"}""", state: new JsonObject { ["a"] = 1 }));

        Assert.Equal(["""{"a":1}"""], (await received).Select(item => item?.ToJsonString()));
    }

    [Fact]
    public async Task QueuePush_PublishesTheItem_WhenValueIsAbsentInAForEachElement()
    {
        var received = await SubscribeAsync("items", expected: 1);

        await PushAsync(Invocations.Create("""{"type":"queue.push","queue":"items"}""", state: new JsonObject { ["a"] = 1 }, itemIndex: 0, item: JsonValue.Create("first")));

        Assert.Equal(["\"first\""], (await received).Select(item => item?.ToJsonString()));
    }

    private Task<NodeOutcome> PushAsync(NodeInvocation invocation) =>
        _silo.Services.GetRequiredService<NodeExecutorRegistry>().ExecuteAsync(invocation, CancellationToken.None);

    /// <summary>Subscribes a durable consumer to the queue; the task completes with the first <paramref name="expected"/> items.</summary>
    private async Task<Task<List<JsonNode?>>> SubscribeAsync(string queue, int expected)
    {
        var observer = new CollectingObserver(expected);
        var stream = StreamProviders.Get(_silo.Services, StreamProviderNames.Durable).GetStream<JsonNode?>(new StreamId("queue", queue));
        await stream.SubscribeAsync(observer, new StreamSubscriptionOptions { Consumer = "test" });
        return observer.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class CollectingObserver(int expected) : IAsyncObserver<JsonNode?>
    {
        private readonly List<JsonNode?> _items = [];

        public TaskCompletionSource<List<JsonNode?>> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnNextAsync(JsonNode? item, StreamSequenceToken token)
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
