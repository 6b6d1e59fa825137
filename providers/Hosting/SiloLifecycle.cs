using System.Collections.Concurrent;

namespace Orchestrator.Providers.Hosting;

/// <summary>The silo's life-cycle status and the state of each start-up step, for health reporting.</summary>
public sealed class SiloLifecycle
{
    private readonly ConcurrentDictionary<string, string> _components = new(StringComparer.Ordinal);
    private volatile SiloPhase _status = SiloPhase.Starting;

    /// <summary>Where the silo is in its life cycle.</summary>
    public SiloPhase Status => _status;

    /// <summary>Each start-up step (storage, reminders, streams, …) and its state (<c>starting</c>, <c>ready</c>, <c>failed: …</c>, <c>stopped</c>).</summary>
    public IReadOnlyDictionary<string, string> Components => _components;

    /// <summary>When the silo started taking calls.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>Raised when the silo begins to stop, before anything is torn down.</summary>
    public event Action? Stopping;

    /// <summary>Sets the state of a start-up step (the runtime's own, or one a host adds, such as resuming runs or
    /// schedules): <c>starting</c>, <c>ready</c>, <c>failed: …</c> or <c>stopped</c>.</summary>
    public void SetComponent(string name, string state) => _components[name] = state;

    internal void MarkRunning(DateTimeOffset at)
    {
        StartedAt = at;
        _status = SiloPhase.Running;
    }

    /// <summary>When the silo began to stop (a timestamp of the clock that marked it), or null.</summary>
    internal long? StoppingSince { get; private set; }

    internal void MarkStopping(long timestamp)
    {
        if (_status == SiloPhase.Stopping || _status == SiloPhase.Stopped)
        {
            return;
        }

        StoppingSince = timestamp;
        _status = SiloPhase.Stopping;
        Stopping?.Invoke();
    }

    internal void MarkStopped() => _status = SiloPhase.Stopped;
}
