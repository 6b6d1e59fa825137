namespace Orchestrator.Loops.Pools;

/// <summary><c>pool: thread</c>: the loop's producer and blocking chain run on a dedicated thread of their own (every
/// continuation comes back to it); non-blocking work runs on the shared thread pool.</summary>
internal sealed class ThreadLoopPool(string loopId) : LoopPool
{
    private readonly DedicatedThreadScheduler _scheduler = new($"loop {loopId}");

    public override Task RunAsync(Func<Task> driver) =>
        Task.Factory.StartNew(driver, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();

    public override Task RunDetachedAsync(Func<Task> work) => Task.Run(work);

    protected override ValueTask ReleaseAsync()
    {
        _scheduler.Dispose();
        return ValueTask.CompletedTask;
    }
}
