using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Streams.Durable;

/// <summary>Delivers one durable stream to one consumer, in order: reads a batch after the stored offset, hands each item
/// over, acknowledges the items handled together at the end of the batch (after the consumer's
/// <see cref="ITopicAcknowledgementObserver"/> hook, if any), and on failure retries an item until the attempt limit
/// sends it to the dead-letter list.</summary>
internal sealed class StreamConsumerAgent(
    StreamId stream,
    string consumer,
    Func<QueueItem, int, Task> deliver,
    Func<long, Task>? beforeAcknowledge,
    DurableStreamProvider provider) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _stopLock = new();
    private Task _run = Task.CompletedTask;
    private Task? _stopped;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Stops delivery once the item being delivered is handled; later calls wait for the same stop (a removed
    /// consumer's subscription handle may still be unsubscribed).</summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task StopOnceAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        Dispose();
    }

    private async Task RunAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, provider.Stopping);
        var token = linked.Token;
        var store = provider.Store;
        var options = provider.Options;
        var tracker = provider.Tracker(stream);
        while (!token.IsCancellationRequested)
        {
            try
            {
                var state = await store.RegisterConsumerAsync(stream, consumer, token);
                var offset = state.Offset;
                var failures = state.Failures;
                while (!token.IsCancellationRequested)
                {
                    var published = tracker.Published.WaitTask;
                    var items = tracker.TakeRecent(offset, options.BatchSize);
                    if (items.Count == 0)
                    {
                        items = await store.ReadAsync(stream, offset, options.BatchSize, token);
                    }

                    if (items.Count == 0)
                    {
                        // Woken by a publish on any silo (relayed from the others); the periodic look covers a lost one.
                        await Task.WhenAny(published, Task.Delay(options.IdleReadInterval, provider.Clock, token)).ConfigureAwait(false);
                        token.ThrowIfCancellationRequested();
                        continue;
                    }

                    long? handled = null;
                    try
                    {
                        foreach (var item in items)
                        {
                            var attempt = failures + 1;
                            try
                            {
                                await deliver(item, attempt);
                            }
                            catch (Exception e) when (!token.IsCancellationRequested)
                            {
                                // The failure count belongs to the item after the stored offset: store what was handled first.
                                offset = await AcknowledgeAsync(handled, offset);
                                handled = null;
                                DurableStreamProvider.LogDeliveryFailed(provider.Logger, e, stream, consumer, item.Sequence, attempt);
                                var error = $"{e.GetType().Name}: {e.Message}";
                                failures = await store.RecordFailureAsync(stream, consumer, error, CancellationToken.None);
                                if (failures >= options.MaxDeliveryAttempts)
                                {
                                    await store.DeadLetterAsync(stream, consumer, item, error, failures, provider.Clock.GetUtcNow(), CancellationToken.None);
                                    DurableStreamProvider.LogDeadLettered(provider.Logger, stream, consumer, item.Sequence, failures);
                                    offset = item.Sequence;
                                    failures = 0;
                                    provider.AcknowledgedUpTo(stream, offset);
                                    continue;
                                }

                                await Task.Delay(options.RetryDelay, provider.Clock, token);
                                break;
                            }

                            handled = item.Sequence;
                            failures = 0;
                            provider.Delivered(stream);
                        }
                    }
                    finally
                    {
                        // Items handled are acknowledged together, after the batch (or when delivery stops).
                        offset = await AcknowledgeAsync(handled, offset);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DurableStreamProvider.LogAgentError(provider.Logger, e, stream, consumer);
                await Task.Delay(options.RetryDelay, provider.Clock, token).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Acknowledges every item up to <paramref name="handled"/> (when set) and returns the new offset; when the
    /// consumer's acknowledgement hook throws, nothing is acknowledged and the items are delivered again.</summary>
    private async Task<long> AcknowledgeAsync(long? handled, long offset)
    {
        if (handled is not { } sequence)
        {
            return offset;
        }

        if (beforeAcknowledge is not null)
        {
            try
            {
                await beforeAcknowledge(sequence);
            }
            catch (Exception e)
            {
                // Nothing is acknowledged: the items are read and delivered again (the consumer drops what it handled).
                if (!_stop.IsCancellationRequested && !provider.Stopping.IsCancellationRequested)
                {
                    DurableStreamProvider.LogAcknowledgementRefused(provider.Logger, e, stream, consumer, sequence);
                    await Task.Delay(provider.Options.RetryDelay, provider.Clock, provider.Stopping).ContinueWith(static _ => { }, TaskScheduler.Default);
                }

                return offset;
            }
        }

        await provider.Store.AcknowledgeAsync(stream, consumer, sequence, CancellationToken.None);
        provider.AcknowledgedUpTo(stream, sequence);
        return sequence;
    }
}
