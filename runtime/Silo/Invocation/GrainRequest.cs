namespace Orchestrator.Runtime.Invocation;

/// <summary>One unit of work for an activation: a call, a timer tick, a reminder tick or a lifecycle step.</summary>
internal abstract class GrainRequest
{
    /// <summary>Whether the request may interleave with other read-only requests.</summary>
    public abstract bool IsReadOnly { get; }

    /// <summary>Whether finishing the request counts as activity that keeps the activation alive.</summary>
    public virtual bool KeepsAlive => true;

    /// <summary>Name for errors, logs and metrics.</summary>
    public abstract string Name { get; }

    /// <summary>When the request was enqueued (TimeProvider timestamp), for timeouts and latency.</summary>
    public long EnqueuedAt { get; set; }

    /// <summary>True once the caller has been answered (result, exception or timeout).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>Runs the request's work on the grain instance, on the activation's scheduler.</summary>
    public abstract Task ExecuteAsync(object? grain);

    /// <summary>Answers the caller from the work's completed task.</summary>
    public abstract void Complete(Task completed);

    /// <summary>Fails the request without running it (or while it runs, on timeout).</summary>
    public abstract bool TryFail(Exception exception);
}
