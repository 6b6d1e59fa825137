namespace Orchestrator.Loops.Pools;

/// <summary><c>pool: async</c>: a single-threaded asynchronous loop, like an asyncio event loop. Everything of the loop
/// (driver and non-blocking work) runs as turns of one exclusive scheduler over the shared thread pool: one turn at a
/// time, interleaving at awaits. A node that blocks its thread blocks the whole loop.</summary>
internal sealed class AsyncLoopPool : LoopPool
{
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ExclusiveScheduler;

    public override Task RunAsync(Func<Task> driver) => Start(driver);

    public override Task RunDetachedAsync(Func<Task> work) => Start(work);

    private Task Start(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
