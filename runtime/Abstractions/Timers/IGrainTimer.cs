namespace Orchestrator.Runtime;

/// <summary>A grain timer: in memory, ticks run as turns of the activation, gone when the activation is.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period. A period of <see cref="Timeout.InfiniteTimeSpan"/> or zero makes it fire once.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
