using Orchestrator.Cluster.Tests.Processes;
using Orchestrator.Silo.Tests;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>Silo processes whose storage fails on purpose (<c>--inject-storage-faults</c>) under a steady load for 60 s:
/// 0.5 % of calls fail before the store, 0.5 % of changes fail after it committed them, 1 % wait 200 ms.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class StorageFaultTests(PostgresClusterFixture postgres, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(60 * Soak.Scale);
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _silos = [];

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task NothingIsLostOrStuck_WhenSqliteStorageFailsAndStalls()
    {
        await using var load = await StorageFaultLoad.StartRecorderAsync();
        var silo = ClusterSilo.StartSqlite(_workDir.Path, "faulty-sqlite", "--inject-storage-faults", StorageFaultLoad.Faults);
        _silos.Add(silo);
        await silo.WaitUntilHealthyAsync();
        await load.DefineAsync(silo);

        await load.LoadAsync(() => _silos, LoadFor);
        var figures = await load.CheckAsync(silo);

        Assert.False(silo.Process.HasExited, silo.Process.Error);
        silo.Process.Terminate();
        Assert.Equal(0, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Report(figures, StorageFaultLoad.InjectedFaults(silo.Process.Output + silo.Process.Error));
    }

    [Fact]
    public async Task NothingIsLostOrStuck_WhenPostgresStorageFailsAndStalls_AndTheServerGoesAwayTwice()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("faults");
        await using var load = await StorageFaultLoad.StartRecorderAsync();
        _silos.AddRange(Enumerable.Range(1, 2).Select(i =>
            ClusterSilo.Start(_workDir.Path, $"faulty-{i}", connectionString, "fault-tests", "--inject-storage-faults", StorageFaultLoad.Faults)));
        await Task.WhenAll(_silos.Select(silo => silo.WaitUntilHealthyAsync()));
        await _silos[1].WaitForSilosAsync(items => items.Count(s => s?["status"]?.GetValue<string>() == "running") == 2, TimeSpan.FromSeconds(60));
        await load.DefineAsync(_silos[0]);

        // The server goes away twice while the load goes on, a third and two thirds of the way through: restarted at
        // once, then stopped for a few seconds, during which the silos say they are degraded and refuse a start
        // quickly, and started again.
        var loading = load.LoadAsync(() => _silos, LoadFor);
        await Task.Delay(LoadFor / 3);
        var restart = System.Diagnostics.Stopwatch.StartNew();
        await postgres.Server.RestartAsync();
        var restarts = new List<string> { $"restarted in {restart.ElapsedMilliseconds} ms" };
        Assert.All(_silos, silo => Assert.False(silo.Process.HasExited, silo.Process.Error));

        await Task.Delay(LoadFor / 3);
        await postgres.Server.StopAsync();
        var down = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            restarts.Add(await StorageFaultLoad.CheckDegradedAsync(_silos[1]));

            // The outage goes on for a few seconds under the load (its length is the scenario, not a wait for something).
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        restarts.Add($"down {down.ElapsedMilliseconds} ms, {await StorageFaultLoad.WaitUntilHealthyAgainAsync(_silos)}");
        Assert.All(_silos, silo => Assert.False(silo.Process.HasExited, silo.Process.Error));
        await loading;
        var figures = await load.CheckAsync(_silos[0]);
        Assert.All(_silos, silo => Assert.False(silo.Process.HasExited, silo.Process.Error));
        var faults = (Calls: 0L, Before: 0L, After: 0L, Delayed: 0L);
        foreach (var silo in _silos)
        {
            silo.Process.Terminate();
            Assert.Equal(0, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var injected = StorageFaultLoad.InjectedFaults(silo.Process.Output + silo.Process.Error);
            faults = (faults.Calls + injected.Calls, faults.Before + injected.Before, faults.After + injected.After, faults.Delayed + injected.Delayed);
        }

        Report($"{figures}; PostgreSQL {string.Join("; ", restarts)}", faults);
    }

    private void Report(string figures, (long Calls, long Before, long After, long Delayed) faults)
    {
        Assert.True(faults.Before > 0 && faults.After > 0 && faults.Delayed > 0, $"too few faults injected to test anything: {faults}");
        var line = $"{figures}; storage: {faults.Calls} calls, {faults.Before} failed before the store, {faults.After} after it, {faults.Delayed} delayed";
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
