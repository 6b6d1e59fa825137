using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Runs;

/// <summary>Completes <see cref="Ended"/> when a run's event stream carries the event that ends the run.</summary>
internal sealed class RunEndObserver : ITopicObserver<RunEvent>
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ended => _ended.Task;

    public Task OnNextAsync(RunEvent item, TopicPosition token)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (RunEventTypes.IsTerminal(item.Type))
        {
            _ended.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
