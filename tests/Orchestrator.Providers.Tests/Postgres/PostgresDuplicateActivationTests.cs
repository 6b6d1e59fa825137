using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Postgres;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Tests.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>A duplicate activation during a failure, as two silos on one database would hold it: two backends with the
/// same grain read at the same ETag. The second writer is refused, the first one's state stays, and the conflict is
/// counted on the storage meter.</summary>
[Collection(nameof(PostgresTests))]
public sealed class PostgresDuplicateActivationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<PostgresStorageBackend> _backends = [];
    private ServiceProvider? _services;
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await postgres.Server.CreateDatabaseAsync(nameof(PostgresDuplicateActivationTests));

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task WriteStateAsync_RefusesTheSecondActivationAndCountsTheConflict_WhenTwoSilosHoldTheSameGrain()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        var metrics = new StateConflictMetrics(meterFactory);
        long measured = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "orchestrator.state.conflicts")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref measured, value));
        listener.Start();

        var silo1 = new ObservedGrainStorage((await OpenAsync()).Grains, metrics);
        var silo2 = new ObservedGrainStorage((await OpenAsync()).Grains, metrics);
        var grain = GrainId.Create("run", "duplicated");
        var created = new GrainState<ContractState>(new ContractState { Payload = "created" });
        await silo1.WriteStateAsync("state", grain, created);

        // Both activations read the same stored state.
        var first = new GrainState<ContractState>(new ContractState());
        var second = new GrainState<ContractState>(new ContractState());
        await silo1.ReadStateAsync("state", grain, first);
        await silo2.ReadStateAsync("state", grain, second);
        Assert.Equal(first.ETag, second.ETag);

        first.State!.Payload = "node a completed by silo 1";
        await silo1.WriteStateAsync("state", grain, first);
        second.State!.Payload = "node a completed again by silo 2";
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo2.WriteStateAsync("state", grain, second));
        var staleClear = new GrainState<ContractState>(new ContractState(), second.ETag) { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo2.ClearStateAsync("state", grain, staleClear));

        var stored = new GrainState<ContractState>(new ContractState());
        await silo2.ReadStateAsync("state", grain, stored);
        Assert.Equal(("node a completed by silo 1", first.ETag), (stored.State!.Payload, stored.ETag));
        Assert.Equal(2, metrics.Count);
        Assert.Equal(2, Interlocked.Read(ref measured));

        // Once it reads again, the second activation sees the first one's state and writes on top of it.
        await silo2.ReadStateAsync("state", grain, second);
        Assert.Equal("node a completed by silo 1", second.State!.Payload);
        second.State.Payload = "node b completed by silo 2";
        await silo2.WriteStateAsync("state", grain, second);
        Assert.Equal(2, metrics.Count);
    }

    private async Task<PostgresStorageBackend> OpenAsync()
    {
        var backend = new PostgresStorageBackend(new PostgresStorageOptions(_connectionString), TimeProvider.System, NullLogger<PostgresStorageBackend>.Instance);
        _backends.Add(backend);
        await backend.InitializeAsync(CancellationToken.None);
        return backend;
    }
}
