namespace Orchestrator.Loops.Producers;

/// <summary>Starts a loop's iterations. <see cref="RunAsync"/> calls the iteration for each one and waits for it (the
/// producer waits for the blocking nodes), and returns when cancelled or when the producer has nothing more.</summary>
internal abstract class LoopProducer : IAsyncDisposable
{
    public abstract Task RunAsync(IterateAsync iterate, PauseGate gate, CancellationToken cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ReleaseAsync();
    }

    /// <summary>Releases what the subclass holds.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;
}
