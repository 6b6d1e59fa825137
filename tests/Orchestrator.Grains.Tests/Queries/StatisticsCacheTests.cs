using Orchestrator.Queries;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Queries;

public sealed class StatisticsCacheTests
{
    [Fact]
    public async Task GetAsync_ComputesAWindowOnce_UntilA120thOfItHasPassed()
    {
        var clock = new FakeClock();
        var cache = new StatisticsCache(clock);
        var computed = 0;
        Task<string> Compute() => Task.FromResult($"result {++computed}");

        var first = await cache.GetAsync("runs", clock.GetUtcNow() - TimeSpan.FromHours(1), Compute);
        clock.Advance(TimeSpan.FromSeconds(30));
        var within = await cache.GetAsync("runs", clock.GetUtcNow() - TimeSpan.FromHours(1), Compute);
        var otherWindow = await cache.GetAsync("runs", clock.GetUtcNow() - TimeSpan.FromHours(24), Compute);
        var otherKey = await cache.GetAsync("nodes", clock.GetUtcNow() - TimeSpan.FromHours(1), Compute);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await cache.GetAsync("runs", clock.GetUtcNow() - TimeSpan.FromHours(1), Compute);

        Assert.Equal(("result 1", "result 1"), (first, within));
        Assert.Equal(("result 2", "result 3", "result 4"), (otherWindow, otherKey, after));
        Assert.Equal(TimeSpan.FromSeconds(5), StatisticsCache.KeepFor(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromSeconds(60), StatisticsCache.KeepFor(TimeSpan.FromDays(7)));
    }

    [Fact]
    public async Task GetAsync_ComputesAgain_WhenTheKeptComputationFailed()
    {
        var clock = new FakeClock();
        var cache = new StatisticsCache(clock);
        var since = clock.GetUtcNow() - TimeSpan.FromHours(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync<string>("runs", since, () => throw new InvalidOperationException("storage down")));
        var again = await cache.GetAsync("runs", since, () => Task.FromResult("ok"));

        Assert.Equal("ok", again);
    }
}
