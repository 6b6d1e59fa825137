using Orchestrator.Nodes;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class DelayExecutorTests
{
    private readonly FakeClock _clock = new();

    [Fact]
    public async Task Delay_CompletesOnlyAfterTheDurationOnTheClock_WhenTimePasses()
    {
        using var services = NodeServices.Create(clock: _clock);

        var running = services.Registry().ExecuteAsync(Invocations.Create("""{"type":"delay","duration":"1m30s"}"""), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(89));
        Assert.False(running.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await running;

        Assert.Null(outcome.Output);
    }

    [Fact]
    public async Task Delay_ReadsTheDurationFromATemplate_WhenItIsRendered()
    {
        using var services = NodeServices.Create(clock: _clock);
        var invocation = Invocations.Create("""{"type":"delay","duration":"${state.wait}"}""", state: new System.Text.Json.Nodes.JsonObject { ["wait"] = "5s" });

        var running = services.Registry().ExecuteAsync(invocation, CancellationToken.None);
        Assert.False(running.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(5));

        await running;
    }

    [Fact]
    public async Task Delay_ThrowsOperationCanceled_WhenCancelledWhileWaiting()
    {
        using var services = NodeServices.Create(clock: _clock);
        using var cancellation = new CancellationTokenSource();

        var running = services.Registry().ExecuteAsync(Invocations.Create("""{"type":"delay","duration":"1h"}"""), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task Delay_FailsNamingTheProblem_WhenDurationIsNotADuration()
    {
        using var services = NodeServices.Create(clock: _clock);

        var error = await Assert.ThrowsAsync<NodeExecutionException>(
            () => services.Registry().ExecuteAsync(Invocations.Create("""{"type":"delay","duration":"soon"}"""), CancellationToken.None));

        Assert.Contains("'soon' is not a duration", error.Message, StringComparison.Ordinal);
    }
}
