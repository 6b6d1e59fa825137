using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class PersistentStateTests : IDisposable
{
    private readonly string _database = Silos.NewDatabasePath();
    private readonly Probe _probe = new();

    public void Dispose() => Silos.DeleteDatabase(_database);

    [Fact]
    public async Task StaleWrite_Throws_NamingTheGrain_AndKeepsTheNewerState()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("contended");
        await grain.IncrementAsync(1);
        var grainId = new GrainId("counter", "contended");

        // Another writer (a second silo, say) updates the record behind the activation's back.
        var etag = await grain.GetEtagAsync();
        await silo.Storage.Grains.WriteAsync(new GrainStateWrite(grainId, "counter", """{"value":100}""", etag), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.IncrementAsync(1));
        Assert.Equal(grainId, error.GrainId);
        Assert.Contains("counter/contended", error.Message, StringComparison.Ordinal);
        var stored = await silo.Storage.Grains.ReadAsync(grainId, "counter", CancellationToken.None);
        Assert.Equal("""{"value":100}""", stored!.Payload);
    }

    [Fact]
    public async Task State_IsReadOnActivation_AfterARestartOnTheSameFile()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        await silo.GrainFactory.GetGrain<ICounterGrain>("kept").IncrementAsync(41);
        await using var restarted = await silo.RestartAsync();
        Assert.Equal(42, await restarted.GrainFactory.GetGrain<ICounterGrain>("kept").IncrementAsync(1));
    }

    [Fact]
    public async Task ClearedState_StartsOver_AndIsGoneFromStorage()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database));
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("cleared");
        await grain.IncrementAsync(7);
        await grain.ClearAsync();
        Assert.Null(await silo.Storage.Grains.ReadAsync(new GrainId("counter", "cleared"), "counter", CancellationToken.None));
        Assert.Equal(1, await grain.IncrementAsync(1));
    }
}
