using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Seeds;

/// <summary>Waits for a run to end: watches its live stream for the ending event and, since a live stream may drop
/// items, also reads the run now and then.</summary>
internal sealed class RunEndWatcher : ITopicObserver<RunEvent>
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
}
