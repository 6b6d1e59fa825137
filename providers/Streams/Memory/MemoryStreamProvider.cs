using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Streams.Cluster;

namespace Orchestrator.Providers.Streams.Memory;

/// <summary>Live, in-memory streams. A publisher never waits on subscribers: each subscription has a bounded buffer
/// drained by its own pump, and an item that finds the buffer full is dropped for that subscriber and counted.</summary>
internal sealed partial class MemoryStreamProvider(ILogger<MemoryStreamProvider> logger) : ITopicProvider
{
    /// <summary>Items a subscription buffers before it drops: room for several of a run's turns, each of which may
    /// publish the events of hundreds of steps at once (the buffer grows only as far as it is used).</summary>
    public const int SubscriptionBuffer = 16_384;

    /// <summary>Each stream's subscribers, an array replaced (under <see cref="_subscribing"/>) on every change, so a
    /// publisher reads it without a lock or a copy.</summary>
    private readonly ConcurrentDictionary<StreamId, IMemorySubscription[]> _subscriptions = new();
    private readonly Lock _subscribing = new();

    public string Name => TopicProviderNames.Memory;

    public bool IsDurable => false;

    public ITopic<T> GetTopic<T>(StreamId id) => new LiveStream<T>(this, id);

    /// <summary>Carries items to the subscribers on the other silos; set when the silo has a relay.</summary>
    internal ClusterRelay? Relay { get; set; }

    /// <summary>Delivers an item to this silo's subscribers and relays it to the other silos'.</summary>
    internal int Publish<T>(StreamId id, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Relay?.Forward(id, item);
        return PublishLocal(id, item);
    }

    /// <summary>Delivers an item to this silo's subscribers whose item type it has.</summary>
    internal int PublishLocal(StreamId id, object item)
    {
        if (!_subscriptions.TryGetValue(id, out var subscribers))
        {
            return 0;
        }

        var delivered = 0;
        foreach (var subscription in subscribers)
        {
            if (subscription.TryPost(item))
            {
                delivered++;
            }
        }

        return delivered;
    }

    internal TopicSubscription Subscribe<T>(StreamId id, ITopicObserver<T> observer)
    {
        var subscription = new MemorySubscription<T>(id, observer, SubscriptionBuffer, logger);
        lock (_subscribing)
        {
            _subscriptions[id] = _subscriptions.TryGetValue(id, out var subscribers) ? [.. subscribers, subscription] : [subscription];
        }

        return new DelegateTopicSubscription(id, async () =>
        {
            lock (_subscribing)
            {
                if (_subscriptions.TryGetValue(id, out var subscribers))
                {
                    IMemorySubscription[] rest = [.. subscribers.Where(other => !ReferenceEquals(other, subscription))];
                    if (rest.Length == 0)
                    {
                        _subscriptions.TryRemove(id, out _);
                    }
                    else
                    {
                        _subscriptions[id] = rest;
                    }
                }
            }

            await subscription.StopAsync();
        });
    }
}
