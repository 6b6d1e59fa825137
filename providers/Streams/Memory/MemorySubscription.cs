using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Streams.Memory;

/// <summary>One live subscriber: a bounded buffer and a pump that hands items to the observer one at a time.</summary>
internal sealed partial class MemorySubscription<T> : IMemorySubscription
{
    private static readonly TopicPosition Token = new(-1, 1);

    private readonly Channel<T> _buffer;
    private readonly ITopicObserver<T> _observer;
    private readonly StreamId _stream;
    private readonly ILogger _logger;
    private readonly Task _pump;
    private long _dropped;

    public MemorySubscription(StreamId stream, ITopicObserver<T> observer, int capacity, ILogger logger)
    {
        _stream = stream;
        _observer = observer;
        _logger = logger;
        _buffer = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pump = Task.Run(PumpAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public bool TryPost(object item)
    {
        if (item is not T typed)
        {
            return false;
        }

        if (_buffer.Writer.TryWrite(typed))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    public Task StopAsync()
    {
        _buffer.Writer.TryComplete();
        return _pump;
    }

    private async Task PumpAsync()
    {
        await foreach (var item in _buffer.Reader.ReadAllAsync())
        {
            try
            {
                await _observer.OnNextAsync(item, Token);
            }
            catch (Exception e)
            {
                LogObserverFailed(_logger, e, _stream);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A subscriber of memory stream {Stream} failed on an item; live streams do not redeliver")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, StreamId stream);
}
