namespace Orchestrator.Loops.Pools;

/// <summary>Where a loop's work runs. The loop's driver (producer and blocking chain) runs through
/// <see cref="RunAsync"/>; each non-blocking node's work through <see cref="RunDetachedAsync"/>. Nodes never manage
/// their own concurrency: the pool decides.</summary>
internal abstract class LoopPool : IAsyncDisposable
{
    /// <summary>Runs the loop's driver until it returns.</summary>
    public abstract Task RunAsync(Func<Task> driver);

    /// <summary>Runs a non-blocking node's work; the loop does not wait for it.</summary>
    public abstract Task RunDetachedAsync(Func<Task> work);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ReleaseAsync();
    }

    /// <summary>Releases what the subclass holds.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;
}
