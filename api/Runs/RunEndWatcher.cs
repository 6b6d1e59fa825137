using Orchestrator.Providers.Streams;
using Orchestrator.Runs;
using Orleans.Runtime;

namespace Orchestrator.Api.Runs;

/// <summary>Waits for a run to end: watches its live topic for the ending event and, since a live topic may drop items,
/// also reads the run now and then. <see cref="WaitAsync"/> reads the run first, once it listens, so an end before the
/// subscription is not missed either.</summary>
internal sealed class RunEndWatcher : ITopicObserver<RunEvent>, IAsyncDisposable
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TopicSubscription? _subscription;

    private RunEndWatcher()
    {
    }

    /// <summary>Starts watching run <paramref name="runId"/>.</summary>
    public static async Task<RunEndWatcher> SubscribeAsync(IServiceProvider services, string runId)
    {
        var watcher = new RunEndWatcher();
        watcher._subscription = await TopicProviders.Get(services, TopicProviderNames.Memory)
            .GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, runId))
            .SubscribeAsync(watcher);
        return watcher;
    }

    public Task OnNextAsync(RunEvent item, TopicPosition token)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (RunEventTypes.IsTerminal(item.Type))
        {
            _ended.TrySetResult();
        }

        return Task.CompletedTask;
    }

    /// <summary>The run once it has ended, or as it is when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<RunSnapshot> WaitAsync(IRunGrain run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        while (true)
        {
            var snapshot = await run.GetAsync();
            if (snapshot.Status.IsFinished() || cancellationToken.IsCancellationRequested)
            {
                return snapshot;
            }

            try
            {
                await _ended.Task.WaitAsync(Recheck, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Read the run again: the ending event may have been dropped.
            }
            catch (OperationCanceledException)
            {
                // Answer with the run as it is.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
