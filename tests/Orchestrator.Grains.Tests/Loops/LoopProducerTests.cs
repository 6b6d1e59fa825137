using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Testing;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Producers driven by the clock, on a fake one.</summary>
public sealed class LoopProducerTests
{
    [Fact]
    public async Task CronProducer_StartsAnIterationAtEachOccurrence_InItsTimeZone()
    {
        // 2026-01-01T00:00:00Z is 09:00 in Tokyo; the expression fires at second 0 of minutes 0, 5, 10… of hour 9 there.
        var clock = new FakeClock(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(clock);
        var runId = await host.StartAsync($$"""
            name: cron-loop
            loops:
              main:
                producer: { type: cron, expression: "0 */5 9 * * *", timeZone: Asia/Tokyo }
                chain: [ { node: rec } ]
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);
        var first = new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);

        await clock.WaitForArmedTimersAsync(1, first);
        Assert.Equal(0, probe.Count("record"));
        clock.SetUtcNow(first);
        await probe.WaitForAsync("record", 1);

        await clock.WaitForArmedTimersAsync(1, first.AddMinutes(5));
        Assert.Equal(1, probe.Count("record"));
        clock.SetUtcNow(first.AddMinutes(5));
        await probe.WaitForAsync("record", 2);

        Assert.Equal([1L, 2L], probe.Entries.Select(e => e.Iteration));
        await host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task IntervalProducer_StartsAnIterationEveryPeriod_OnTheClock()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        var runId = await host.StartAsync($$"""
            name: interval-loop
            loops:
              main:
                producer: { type: interval, every: 10s }
                chain: [ { node: rec } ]
            nodes:
              rec: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);
        var start = clock.GetUtcNow();

        // The first iteration starts at once, the next one every 10 s after the previous one started.
        await probe.WaitForAsync("record", 1);
        for (var i = 1; i <= 3; i++)
        {
            await clock.WaitForArmedTimersAsync(1, start.AddSeconds(10 * i));
            Assert.Equal(i, probe.Count("record"));
            clock.SetUtcNow(start.AddSeconds(10 * i));
            await probe.WaitForAsync("record", i + 1);
        }

        await host.Run(runId).CancelAsync("done");
    }
}
