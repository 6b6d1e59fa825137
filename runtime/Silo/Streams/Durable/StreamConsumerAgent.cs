namespace Orchestrator.Runtime.Streams.Durable;

/// <summary>Delivers one durable stream to one consumer, in order: reads after the stored offset, hands each item over,
/// acknowledges it, and on failure retries it until the attempt limit sends it to the dead-letter list.</summary>
internal sealed class StreamConsumerAgent(
    StreamId stream,
    string consumer,
    Func<StoredStreamItem, int, Task> deliver,
    DurableStreamProvider provider) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public void Start() => _run = Task.Run(RunAsync);

    public async Task StopAsync()
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

    public void Dispose() => _stop.Dispose();

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
                    var items = await store.ReadAsync(stream, offset, options.StreamBatchSize, token);
                    if (items.Count == 0)
                    {
                        await published.WaitAsync(token);
                        continue;
                    }

                    foreach (var item in items)
                    {
                        var attempt = failures + 1;
                        try
                        {
                            await deliver(item, attempt);
                        }
                        catch (Exception e) when (!token.IsCancellationRequested)
                        {
                            DurableStreamProvider.LogDeliveryFailed(provider.Logger, e, stream, consumer, item.Sequence, attempt);
                            var error = $"{e.GetType().Name}: {e.Message}";
                            failures = await store.RecordFailureAsync(stream, consumer, error, CancellationToken.None);
                            if (failures >= options.StreamMaxDeliveryAttempts)
                            {
                                await store.DeadLetterAsync(stream, consumer, item, error, failures, provider.Clock.GetUtcNow(), CancellationToken.None);
                                DurableStreamProvider.LogDeadLettered(provider.Logger, stream, consumer, item.Sequence, failures);
                                offset = item.Sequence;
                                failures = 0;
                                tracker.AcknowledgedUpTo(offset);
                                continue;
                            }

                            await Task.Delay(options.StreamRetryDelay, provider.Clock, token);
                            break;
                        }

                        await store.AcknowledgeAsync(stream, consumer, item.Sequence, CancellationToken.None);
                        offset = item.Sequence;
                        failures = 0;
                        tracker.AcknowledgedUpTo(offset);
                        provider.Delivered(stream);
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
                await Task.Delay(options.StreamRetryDelay, provider.Clock, token).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }
}
