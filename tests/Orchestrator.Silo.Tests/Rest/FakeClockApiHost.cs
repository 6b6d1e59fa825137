using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;
using Orchestrator.Testing;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>A silo like <see cref="RestApiHost"/>'s whose orchestrator clock is a <see cref="FakeClock"/>: history
/// samples and node durations fall when a test moves the clock.</summary>
public sealed class FakeClockApiHost : IAsyncLifetime
{
    public FakeClockApiHost() =>
        Api = new RestApiHost(new SiloApiFactory
        {
            Storage = "memory",
            TestServices = services => services.AddKeyedSingleton<TimeProvider>(OrchestratorClock.Key, Clock),
        });

    public FakeClock Clock { get; } = new();

    public RestApiHost Api { get; }

    public Task InitializeAsync() => Api.InitializeAsync();

    public Task DisposeAsync() => Api.DisposeAsync();

    /// <summary>Moves the clock to the start of the next history slot, once the silo's sampling timer waits for it.</summary>
    public async Task<DateTimeOffset> AdvanceToNextSlotAsync()
    {
        var interval = History.HistoryDefaults.SampleInterval;
        var now = Clock.GetUtcNow();
        var next = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % interval.Ticks), TimeSpan.Zero) + interval;
        await Clock.WaitForArmedTimersAsync(1, next);
        Clock.SetUtcNow(next);
        return next;
    }
}

/// <summary>The tests on the fake-clock silo share it (<see cref="FakeClockApiHost"/>).</summary>
[CollectionDefinition(Name)]
public sealed class FakeClockHostGroup : ICollectionFixture<FakeClockApiHost>
{
    public const string Name = "fake-clock";
}
