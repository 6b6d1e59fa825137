using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class NoopExecutorTests
{
    [Fact]
    public async Task Noop_CompletesWithoutOutput_WhenRun()
    {
        using var services = NodeServices.Create();

        var outcome = await services.Registry().ExecuteAsync(Invocations.Create("""{"type":"noop"}"""), CancellationToken.None);

        Assert.Null(outcome.Output);
        Assert.Null(outcome.SubRunId);
        Assert.Empty(outcome.Logs);
    }

    [Fact]
    public async Task Noop_ThrowsOperationCanceled_WhenAlreadyCancelled()
    {
        using var services = NodeServices.Create();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.Registry().ExecuteAsync(Invocations.Create("""{"type":"noop"}"""), new CancellationToken(canceled: true)));
    }
}
