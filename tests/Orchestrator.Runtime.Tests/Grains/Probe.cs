using System.Collections.Concurrent;

namespace Orchestrator.Runtime.Tests.Grains;

/// <summary>Shared by test grains and tests: records what happened and lets tests wait for it without sleeping.</summary>
public sealed class Probe
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<IReadOnlyCollection<string>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyCollection<string> Events => _events;

    public void Record(string value)
    {
        _events.Enqueue(value);
        lock (_lock)
        {
            foreach (var waiter in _waiters.ToArray())
            {
                if (waiter.Condition(_events))
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }
    }

    public int Count(string prefix) => _events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Completes when the recorded events satisfy <paramref name="condition"/>; fails after 30 s.</summary>
    public Task WaitAsync(Func<IReadOnlyCollection<string>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(_events))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public Task WaitForCountAsync(string prefix, int count) => WaitAsync(events => events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal)) >= count);
}
