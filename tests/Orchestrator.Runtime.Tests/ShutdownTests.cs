using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Storage.Sqlite;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class ShutdownTests : IDisposable
{
    private readonly string _database = Silos.NewDatabasePath();
    private readonly Probe _probe = new();

    public void Dispose() => Silos.DeleteDatabase(_database);

    [Fact]
    public async Task GracefulStop_FinishesRunningTurns_AndFlushesTheirWrites()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var writes = Enumerable.Range(0, 300)
            .Select(i => silo.GrainFactory.GetGrain<ICounterGrain>($"g{i}").IncrementAsync(i + 1))
            .ToArray();

        await silo.StopAsync();

        // Every call that was taken finished, and its write is in the file.
        var results = await Task.WhenAll(writes);
        Assert.Equal(Enumerable.Range(1, 300), results);
        await using var reopened = new SqliteStorageBackend(_database);
        await reopened.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < 300; i++)
        {
            var record = await reopened.Grains.ReadAsync(new GrainId("counter", $"g{i}"), "counter", CancellationToken.None);
            Assert.Equal($$"""{"value":{{i + 1}}}""", record?.Payload);
        }

        Assert.Equal(300, _probe.Count("deactivate:g"));
    }

    [Fact]
    public async Task StoppedSilo_RefusesNewCalls_WithSiloUnavailable()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("late");
        var lifecycle = silo.Lifecycle;
        await silo.StopAsync();

        Assert.Equal(SiloStatus.Stopped, lifecycle.Status);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.IncrementAsync(1));
    }
}
