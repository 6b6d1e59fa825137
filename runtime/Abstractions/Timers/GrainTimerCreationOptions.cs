namespace Orchestrator.Runtime;

/// <summary>Options of a grain timer.</summary>
public sealed record GrainTimerCreationOptions
{
    /// <summary>Time until the first tick.</summary>
    public TimeSpan DueTime { get; init; }

    /// <summary>Time between ticks; zero or <see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>When true, a tick may interleave with other calls instead of waiting for its own turn.</summary>
    public bool Interleave { get; init; }

    /// <summary>When false (the default), a tick does not count as activity that keeps the activation alive.</summary>
    public bool KeepAlive { get; init; }
}
