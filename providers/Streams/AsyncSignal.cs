namespace Orchestrator.Providers.Streams;

/// <summary>A broadcast wake-up without lost signals: take <see cref="WaitTask"/> before checking for work, then await
/// it; any <see cref="Pulse"/> after the take completes it.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitTask => Volatile.Read(ref _current).Task;

    public void Pulse()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _current, next).TrySetResult();
    }
}
