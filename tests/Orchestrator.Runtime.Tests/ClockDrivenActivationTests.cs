using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class ClockDrivenActivationTests
{
    [Fact]
    public async Task Call_TimesOut_WhenTheGrainDoesNotAnswerWithinTheCallTimeout()
    {
        var clock = new FakeClock();
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(Silos.Options(probe, clock: clock, configure: o => o.CallTimeout = TimeSpan.FromSeconds(5)));
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("slow");
        var never = new TaskCompletionSource();

        var call = grain.HangAsync(never.Task);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("turn/slow", error.Message, StringComparison.Ordinal);
        never.SetResult();
    }

    [Fact]
    public async Task IdleActivation_IsDeactivated_AfterTheCollectionAge()
    {
        var clock = new FakeClock();
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(Silos.Options(probe, clock: clock, configure: o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        }));
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("idle");
        await grain.IncrementAsync(3);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, probe.Count("deactivate:idle"));
        clock.Advance(TimeSpan.FromMinutes(2));
        await probe.WaitForCountAsync("deactivate:idle:Idle", 1);

        Assert.Equal(3, await grain.GetAsync());
        Assert.Equal(2, probe.Count("activate:idle"));
    }

    [Fact]
    public async Task GrainTimer_TicksAsTurns_UntilTheActivationIsGone()
    {
        var clock = new FakeClock();
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(Silos.Options(probe, clock: clock));
        var grain = silo.GrainFactory.GetGrain<IReminderTestGrain>("ticker");
        await grain.StartTimerAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        for (var i = 1; i <= 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await probe.WaitForCountAsync("timer:ticker", i);
        }

        Assert.Equal(3, probe.Count("timer:ticker"));
    }
}
