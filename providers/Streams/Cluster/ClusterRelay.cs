using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Streams.Durable;
using Orchestrator.Providers.Streams.Memory;
using Orleans.Streams;

namespace Orchestrator.Providers.Streams.Cluster;

/// <summary>Carries what is published on this silo's local streams (run events, notifications, queue items and
/// acknowledgements) to the other silos of the cluster on an Orleans stream, and hands what the other silos publish to
/// this silo's local subscribers. A silo delivers its own items locally at once and relays them only while the cluster
/// has other active silos; each silo publishes on one partition (by its address), so the items of one publisher arrive
/// everywhere in the order they were published.</summary>
internal sealed partial class ClusterRelay : ILifecycleParticipant<ISiloLifecycle>, Orleans.Streams.IAsyncObserver<RelayBatch>, IDisposable
{
    /// <summary>The Orleans stream provider that carries the batches.</summary>
    public const string ProviderName = "orchestrator.relay";

    /// <summary>The namespace of the relay's Orleans streams (one per partition).</summary>
    public const string StreamNamespace = "orchestrator.relay";

    /// <summary>Partitions (Orleans streams) of the relay; every silo subscribes to all of them.</summary>
    public const int Partitions = 4;

    /// <summary>How often the Orleans pulling agents look for relayed batches (the delay they add across silos).</summary>
    public static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>How often a silo checks that every partition still knows its subscription.</summary>
    public static readonly TimeSpan SubscriptionCheckPeriod = TimeSpan.FromSeconds(15);

    private const int MaxBatch = 512;
    private const int Backlog = 100_000;

    private readonly IClusterClient _client;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly MemoryStreamProvider _live;
    private readonly DurableStreamProvider _durable;
    private readonly ILogger _logger;
    private readonly Channel<RelayItem> _outbox = Channel.CreateBounded<RelayItem>(new BoundedChannelOptions(Backlog)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Orleans.Streams.StreamSubscriptionHandle<RelayBatch>> _subscriptions = [];
    private string _origin = "";
    private volatile bool _hasPeers;
    private long _dropped;
    private Task _pump = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;

    public ClusterRelay(IClusterClient client, IClusterMembershipService membership, ILocalSiloDetails silo,
        MemoryStreamProvider live, DurableStreamProvider durable, ILogger<ClusterRelay> logger)
    {
        _client = client;
        _membership = membership;
        _silo = silo;
        _live = live;
        _durable = durable;
        _logger = logger;
        live.Relay = this;
        durable.Relay = this;
    }

    /// <summary>Items not relayed because the backlog was full (the other silos' live subscribers missed them; their
    /// queue consumers read the store).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True while the cluster has active silos besides this one.</summary>
    public bool HasPeers => _hasPeers;

    /// <summary>Queues an item published on this silo for the other silos (when there are any).</summary>
    public void Forward(StreamId stream, object item)
    {
        if (!_hasPeers)
        {
            return;
        }

        if (!_outbox.Writer.TryWrite(new RelayItem(stream, item)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterRelay), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _origin = _silo.SiloAddress.ToParsableString();
        var provider = _client.GetStreamProvider(ProviderName);
        for (var partition = 0; partition < Partitions; partition++)
        {
            var stream = provider.GetStream<RelayBatch>(PartitionId(partition));
            for (var wait = TimeSpan.FromMilliseconds(100); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks)))
            {
                try
                {
                    foreach (var stale in await stream.GetAllSubscriptionHandles())
                    {
                        await stale.UnsubscribeAsync();
                    }

                    _subscriptions.Add(await stream.SubscribeAsync(this));
                    break;
                }
                catch (SiloUnavailableException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The stream's rendezvous lived on a silo that is gone but not yet declared dead (a restart right
                    // after a kill): it moves once the cluster declares it, so start-up waits for that instead of failing.
                    await Task.Delay(wait, cancellationToken);
                }
            }
        }

        UpdatePeers(_membership.CurrentSnapshot);
        _watch = Task.WhenAll(Task.Run(WatchMembershipAsync, CancellationToken.None), Task.Run(KeepSubscribedAsync, CancellationToken.None));
        _pump = Task.Run(PumpAsync, CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        _hasPeers = false;
        _outbox.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_pump, _watch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var subscription in _subscriptions)
        {
            try
            {
                await subscription.UnsubscribeAsync();
            }
            catch (Exception e)
            {
                LogUnsubscribeFailed(_logger, e);
            }
        }

        _subscriptions.Clear();
    }

    private async Task WatchMembershipAsync()
    {
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(_stopping.Token))
            {
                UpdatePeers(snapshot);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The pub-sub store is memory: when the silo that held a partition's subscriptions is lost, so are they.
    /// Each silo looks now and then and subscribes again to a partition that no longer knows it.</summary>
    private async Task KeepSubscribedAsync()
    {
        using var timer = new PeriodicTimer(SubscriptionCheckPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var provider = _client.GetStreamProvider(ProviderName);
                for (var partition = 0; partition < Partitions; partition++)
                {
                    try
                    {
                        var stream = provider.GetStream<RelayBatch>(PartitionId(partition));
                        if ((await stream.GetAllSubscriptionHandles().ConfigureAwait(false)).Count == 0)
                        {
                            LogResubscribed(_logger, partition);
                            _subscriptions.Add(await stream.SubscribeAsync(this).ConfigureAwait(false));
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogSubscriptionCheckFailed(_logger, e, partition);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static StreamId PartitionId(int partition) =>
        StreamId.Create(StreamNamespace, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void UpdatePeers(ClusterMembershipSnapshot snapshot)
    {
        var self = _silo.SiloAddress;
        _hasPeers = snapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self));
    }

    private async Task PumpAsync()
    {
        var partition = (int)((uint)_origin.GetHashCode(StringComparison.Ordinal) % Partitions);
        var stream = _client.GetStreamProvider(ProviderName).GetStream<RelayBatch>(PartitionId(partition));
        var reader = _outbox.Reader;
        var batch = new List<RelayItem>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await stream.OnNextAsync(new RelayBatch(_origin, batch.ToArray())).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Live items are best effort; queue consumers on other silos read the store.
                Interlocked.Add(ref _dropped, batch.Count);
                LogRelayFailed(_logger, e, batch.Count);
            }

            batch.Clear();
        }
    }

    /// <inheritdoc/>
    public Task OnNextAsync(RelayBatch batch, Orleans.Streams.StreamSequenceToken? token = null)
    {
        if (batch.Origin == _origin)
        {
            return Task.CompletedTask;
        }

        foreach (var item in batch.Items)
        {
            switch (item.Item)
            {
                case QueueItemStored stored:
                    _durable.Stored(item.Stream, stored);
                    break;
                case QueueItemsAcknowledged:
                    _durable.AcknowledgedElsewhere(item.Stream);
                    break;
                default:
                    _live.PublishLocal(item.Stream, item.Item);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => _stopping.Dispose();

    /// <inheritdoc/>
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public Task OnErrorAsync(Exception ex)
    {
        LogRelayStreamError(_logger, ex);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying {Count} items to the other silos failed; their live subscribers miss them")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay stream reported an error")]
    private static partial void LogRelayStreamError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay partition {Partition} had lost this silo's subscription; subscribed again")]
    private static partial void LogResubscribed(ILogger logger, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the relay subscription of partition {Partition} failed; checked again later")]
    private static partial void LogSubscriptionCheckFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing the relay at shutdown failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception);
}
