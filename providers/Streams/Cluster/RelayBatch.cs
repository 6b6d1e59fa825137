namespace Orchestrator.Providers.Streams.Cluster;

/// <summary>Items one silo published on its local streams, carried on an Orleans stream to the other silos.</summary>
/// <param name="Origin">The publishing silo's address; it ignores its own batches (it delivered them locally).</param>
/// <param name="Items">The items, in the order they were published.</param>
[GenerateSerializer, Immutable]
public sealed record RelayBatch([property: Id(0)] string Origin, [property: Id(1)] IReadOnlyList<RelayItem> Items);

/// <summary>One item of a <see cref="RelayBatch"/>: the local stream it was published on, and the item.</summary>
[GenerateSerializer, Immutable]
public sealed record RelayItem([property: Id(0)] StreamId Stream, [property: Id(1)] object Item);

/// <summary>A durable stream stored an item: consumers on other silos take it without reading the store.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueItemStored([property: Id(0)] long Sequence, [property: Id(1)] string Payload, [property: Id(2)] DateTimeOffset EnqueuedAt);

/// <summary>A consumer of a durable stream acknowledged items: publishers on other silos waiting for room retry.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueItemsAcknowledged([property: Id(0)] long UpTo);
