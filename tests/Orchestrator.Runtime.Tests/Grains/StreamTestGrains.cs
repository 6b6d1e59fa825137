namespace Orchestrator.Runtime.Tests.Grains;

/// <summary>Implicit consumer of the "orders" namespace: records each item with its stream key and sequence.</summary>
[ImplicitStreamSubscription("orders")]
public sealed class OrderConsumerGrain(Probe probe) : Grain, IStreamConsumerGrain
{
    public Task OnStreamItemAsync(StreamItem item)
    {
        probe.Record($"order:{item.Stream.Key}:{item.Sequence}:{item.GetValue<int>()}");
        return Task.CompletedTask;
    }
}

/// <summary>Implicit consumer of the "poison" namespace: fails every delivery of the item "poison".</summary>
[ImplicitStreamSubscription("poison")]
public sealed class PoisonConsumerGrain(Probe probe) : Grain, IStreamConsumerGrain
{
    public Task OnStreamItemAsync(StreamItem item)
    {
        var value = item.GetValue<string>();
        probe.Record($"poison-attempt:{value}:{item.DeliveryAttempt}");
        if (value == "poison")
        {
            throw new InvalidOperationException($"cannot digest {value}");
        }

        probe.Record($"poison-ok:{value}");
        return Task.CompletedTask;
    }
}
