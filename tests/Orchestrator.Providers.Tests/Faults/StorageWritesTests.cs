using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Tests.Storage;

namespace Orchestrator.Providers.Tests.Faults;

/// <summary>Whether grain writes reach the store, as the health report reads it.</summary>
public sealed class StorageWritesTests
{
    private static readonly GrainId Grain = GrainId.Create("contract", "writes");

    [Fact]
    public async Task WritesAreFailing_FromAFailedWrite_UntilOneSucceedsOrItIsOld()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new StateConflictMetrics(services.GetRequiredService<IMeterFactory>());
        var clock = new SteppedClock();
        var writes = new StorageWrites(clock);
        var faults = new StorageFaults(new StorageFaultOptions { FailBefore = 1 });
        var failing = new ObservedGrainStorage(new FaultInjectingBackend(new MemoryStorageBackend(), faults).Grains, metrics, writes);
        var working = new ObservedGrainStorage(new MemoryStorageBackend().Grains, metrics, writes);
        var state = new GrainState<ContractState>(new ContractState { Payload = "p" });
        Assert.Null(writes.Failing());

        await Assert.ThrowsAsync<StorageUnavailableException>(() => failing.WriteStateAsync("state", Grain, state));
        Assert.Contains("failed before reaching the store", writes.Failing(), StringComparison.Ordinal);

        await working.WriteStateAsync("state", Grain, state);
        Assert.Null(writes.Failing());

        await Assert.ThrowsAsync<StorageUnavailableException>(() => failing.ClearStateAsync("state", Grain, state));
        Assert.NotNull(writes.Failing());
        clock.Advance(StorageWrites.Remembered);
        Assert.Null(writes.Failing());
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
