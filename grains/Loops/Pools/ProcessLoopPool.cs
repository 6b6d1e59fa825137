namespace Orchestrator.Loops.Pools;

/// <summary><c>pool: process</c>: the loop's <c>dotnet</c> nodes run in a worker child process (see
/// <see cref="Worker.NodeWorkerProcess"/>); the driver only waits on them, on the shared thread pool.</summary>
internal sealed class ProcessLoopPool(Worker.NodeWorkerProcess worker) : LoopPool
{
    public Worker.NodeWorkerProcess Worker => worker;

    public override Task RunAsync(Func<Task> driver) => Task.Run(driver);

    public override Task RunDetachedAsync(Func<Task> work) => Task.Run(work);

    protected override ValueTask ReleaseAsync() => worker.DisposeAsync();
}
