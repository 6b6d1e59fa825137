using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>What the probe nodes of one run saw, and gates the test opens. Keyed by run id, so tests don't share.</summary>
internal sealed class LoopProbe
{
    private static readonly ConcurrentDictionary<string, LoopProbe> Probes = new(StringComparer.Ordinal);

    private readonly Lock _lock = new();
    private readonly List<ProbeEntry> _entries = [];
    private readonly List<(Func<IReadOnlyList<ProbeEntry>, bool> Check, TaskCompletionSource Done)> _waiters = [];
    private readonly SemaphoreSlim _gate = new(0, int.MaxValue);
    private int _running;

    public static LoopProbe For(string runId) => Probes.GetOrAdd(runId, _ => new LoopProbe());

    /// <summary>The most nodes seen running at once.</summary>
    public int MaxConcurrent { get; private set; }

    public IReadOnlyList<ProbeEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public int Count(string what)
    {
        lock (_lock)
        {
            return _entries.Count(e => e.What == what);
        }
    }

    public void Record(string what, JsonNode? value, long iteration, string key = "")
    {
        lock (_lock)
        {
            _entries.Add(new ProbeEntry(what, value?.DeepClone(), iteration, Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, TaskScheduler.Current, key));
            foreach (var waiter in _waiters.Where(w => w.Check(_entries)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    public void Entered()
    {
        lock (_lock)
        {
            _running++;
            MaxConcurrent = Math.Max(MaxConcurrent, _running);
        }
    }

    public void Left()
    {
        lock (_lock)
        {
            _running--;
        }
    }

    /// <summary>Lets <paramref name="count"/> gate nodes through.</summary>
    public void Open(int count = 1) => _gate.Release(count);

    public Task PassGateAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    /// <summary>Completes once <paramref name="count"/> entries of <paramref name="what"/> were recorded.</summary>
    public Task WaitForAsync(string what, int count) => WaitUntilAsync(entries => entries.Count(e => e.What == what) >= count);

    public Task WaitUntilAsync(Func<IReadOnlyList<ProbeEntry>, bool> check)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (check(_entries))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((check, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

internal sealed record ProbeEntry(string What, JsonNode? Value, long Iteration, int ThreadId, string? ThreadName, TaskScheduler Scheduler, string Key);
