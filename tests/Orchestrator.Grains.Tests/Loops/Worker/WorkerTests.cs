using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Loops.Worker;

namespace Orchestrator.Grains.Tests.Loops.Worker;

/// <summary>Tests on one worker process of their own, started by the first call and stopped after the test.</summary>
public abstract class WorkerTests(string loopId) : IAsyncLifetime
{
    private protected NodeWorkerProcess Worker { get; } = new(loopId, NullLogger.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Worker.DisposeAsync();
}
