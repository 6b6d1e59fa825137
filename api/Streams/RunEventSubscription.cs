using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Streams;

/// <summary>A run's events for one subscriber: the persisted log from a sequence number on, then live, with no gap
/// and no duplicate. It subscribes to the live stream first (into a bounded buffer of its own), then replays the log,
/// then drains the buffer, skipping what the replay already gave and filling from the log any gap the live stream
/// left. A subscriber whose buffer overflows is cut off (<see cref="SubscriberTooSlowException"/>); the engine never
/// waits for it.</summary>
internal sealed class RunEventSubscription : ITopicObserver<RunEvent>, IAsyncDisposable
{
    private readonly IRunGrain _run;
    private readonly string _runId;
    private readonly int _capacity;
    private readonly int _pageSize;
    private readonly Action<string>? _onOverflow;
    private readonly Channel<RunEvent> _live;
    private TopicSubscription? _handle;
    private int _closed;
    private volatile SubscriberTooSlowException? _overflow;

    private RunEventSubscription(IRunGrain run, string runId, int capacity, int pageSize, Action<string>? onOverflow)
    {
        _run = run;
        _runId = runId;
        _capacity = capacity;
        _pageSize = pageSize;
        _onOverflow = onOverflow;
        _live = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
    }

    /// <summary>Subscribes to <paramref name="stream"/>, the live events of <paramref name="run"/> (which need not
    /// exist yet), keeping at most <paramref name="capacity"/> of them unsent.</summary>
    public static async Task<RunEventSubscription> OpenAsync(
        ITopic<RunEvent> stream, IRunGrain run, int capacity, int pageSize, Action<string>? onOverflow)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var subscription = new RunEventSubscription(run, stream.Id.GetKeyAsString(), capacity, pageSize, onOverflow);
        subscription._handle = await stream.SubscribeAsync(subscription);
        return subscription;
    }

    Task ITopicObserver<RunEvent>.OnNextAsync(RunEvent item, TopicPosition token)
    {
        if (!_live.Writer.TryWrite(item) && Volatile.Read(ref _closed) == 0 && _overflow is null)
        {
            var overflow = new SubscriberTooSlowException(_capacity);
            _overflow = overflow;
            _live.Writer.TryComplete(overflow);
            // What is buffered will never be sent; let it go now rather than when the socket is gone.
            while (_live.Reader.TryRead(out _))
            {
            }

            _onOverflow?.Invoke(overflow.Message);
        }

        return Task.CompletedTask;
    }

    /// <summary>Events with <c>seq &gt; <paramref name="after"/></c>: first from the log, then live, until cancelled.
    /// Throws <see cref="SubscriberTooSlowException"/> (the live buffer completes with it) once the subscriber fell too
    /// far behind.</summary>
    public async IAsyncEnumerable<RunEvent> ReadAsync(long after, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var order = new RunEventSequencer(after);
        while (true)
        {
            ThrowIfOverflowed();
            var page = await _run.GetEventsAsync(order.LastSeq, _pageSize);
            foreach (var runEvent in page)
            {
                if (order.Classify(runEvent.Seq) == RunEventOrder.Next)
                {
                    order.Advance(runEvent.Seq);
                    yield return runEvent;
                }
            }

            if (page.Count < _pageSize)
            {
                break;
            }
        }

        while (await _live.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_live.Reader.TryRead(out var runEvent))
            {
                var position = order.Classify(runEvent.Seq);
                if (position == RunEventOrder.Duplicate)
                {
                    continue;
                }

                if (position == RunEventOrder.Gap)
                {
                    await foreach (var missing in ReadLogAsync(order, runEvent.Seq - 1))
                    {
                        yield return missing;
                    }
                }

                order.Advance(runEvent.Seq);
                yield return runEvent;
            }
        }

        ThrowIfOverflowed();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _live.Writer.TryComplete();
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }
    }

    private async IAsyncEnumerable<RunEvent> ReadLogAsync(RunEventSequencer order, long until)
    {
        while (order.LastSeq < until)
        {
            var page = await _run.GetEventsAsync(order.LastSeq, (int)Math.Min(_pageSize, until - order.LastSeq));
            if (page.Count == 0)
            {
                throw new InvalidOperationException($"Run {_runId}: event {order.LastSeq + 1} was published but is not in the log.");
            }

            foreach (var runEvent in page)
            {
                if (runEvent.Seq <= until && order.Classify(runEvent.Seq) == RunEventOrder.Next)
                {
                    order.Advance(runEvent.Seq);
                    yield return runEvent;
                }
            }
        }
    }

    private void ThrowIfOverflowed()
    {
        if (_overflow is { } overflow)
        {
            throw overflow;
        }
    }
}
