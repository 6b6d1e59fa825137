using Orchestrator.Providers.Streams;
using Orchestrator.Runs;

namespace Orchestrator.Cluster.Tests.InProcess;

/// <summary>Every run event heard on one silo's live topic, so tests wait on an event instead of polling.</summary>
internal sealed class RunEventLog : ITopicObserver<RunEvent>
{
    private static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(60);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<RunEvent>> _events = new(StringComparer.Ordinal);
    private readonly List<(string RunId, Func<RunEvent, bool> Match, TaskCompletionSource<RunEvent> Done)> _waiters = [];

    public IReadOnlyList<RunEvent> Of(string runId)
    {
        lock (_lock)
        {
            return _events.TryGetValue(runId, out var list) ? [.. list] : [];
        }
    }

    public Task OnNextAsync(RunEvent item, TopicPosition token)
    {
        lock (_lock)
        {
            if (!_events.TryGetValue(item.RunId, out var list))
            {
                _events[item.RunId] = list = [];
            }

            list.Add(item);
            foreach (var waiter in _waiters.Where(w => w.RunId == item.RunId && w.Match(item)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(item);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The first event of the run that matches, heard already or still to come.</summary>
    public Task<RunEvent> WaitAsync(string runId, Func<RunEvent, bool> match)
    {
        var done = new TaskCompletionSource<RunEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_events.TryGetValue(runId, out var list) && list.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((runId, match, done));
        }

        return done.Task.WaitAsync(WaitBound);
    }
}
