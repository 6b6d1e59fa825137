using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Providers.Postgres;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Orchestrator.Cluster.Tests.Membership;

/// <summary>Orleans' own ADO.NET membership table and gateway list, run against our schema and query texts: the table
/// version is a compare-and-swap every change must win, heartbeats leave it alone, and times survive a server whose time
/// zone is not UTC.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class PostgresMembershipTableTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private static readonly DateTime Started = new(2026, 3, 1, 10, 0, 0, 123, DateTimeKind.Utc);
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync(nameof(PostgresMembershipTableTests));
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            // Times must not follow the server's zone: give it one far from UTC.
            await connection.OpenAsync();
            await using var zone = new NpgsqlCommand($"ALTER DATABASE \"{connection.Database}\" SET timezone TO 'Asia/Kathmandu'", connection);
            await zone.ExecuteNonQueryAsync();
        }

        await using var backend = new PostgresStorageBackend(_connectionString);
        await backend.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Initialize_CreatesOneVersionRow_WhenSeveralSilosStartAtOnce()
    {
        var tables = Enumerable.Range(0, 3).Select(_ => Table("alpha")).ToList();

        await Task.WhenAll(tables.Select(table => table.InitializeMembershipTableAsync(tryInitTableVersion: true)));

        var read = await tables[0].ReadAllAsync();
        Assert.Empty(read.Members);
        Assert.Equal(0, read.Version.Version);
    }

    [Fact]
    public async Task InsertRow_AddsTheSiloAndBumpsTheVersion_OnlyFromTheCurrentVersion()
    {
        var table = await InitializedTableAsync("alpha");
        var silo = Entry(1, SiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(2, SiloStatus.Joining), new TableVersion(1, "0")));
        Assert.False(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));

        var read = await table.ReadAllAsync();
        Assert.Equal(1, read.Version.Version);
        var (stored, _) = Assert.Single(read.Members);
        Assert.Equal(silo.SiloAddress, stored.SiloAddress);
        Assert.Equal((silo.SiloName, silo.HostName, silo.Status, silo.ProxyPort), (stored.SiloName, stored.HostName, stored.Status, stored.ProxyPort));
        Assert.Equal((Started, Started.AddSeconds(1)), (stored.StartTime, stored.IAmAliveTime));
        Assert.Equal(DateTimeKind.Utc, stored.StartTime.Kind);
    }

    [Fact]
    public async Task UpdateRow_ChangesStatusAndSuspicions_OnlyFromTheCurrentVersion()
    {
        var table = await InitializedTableAsync("alpha");
        var (silo, voter) = (Entry(1, SiloStatus.Active), Entry(2, SiloStatus.Active));
        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(voter, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        var dead = Entry(1, SiloStatus.Dead);
        dead.SuspectTimes = [Tuple.Create(voter.SiloAddress, Started.AddSeconds(5))];
        Assert.True(await table.UpdateRowAsync(dead, EtagOf(before, silo), before.Version.Next()));
        Assert.False(await table.UpdateRowAsync(Entry(1, SiloStatus.Active), EtagOf(before, silo), before.Version.Next()));
        var after = await table.ReadAllAsync();
        Assert.False(await table.UpdateRowAsync(Entry(3, SiloStatus.Active), after.Version.VersionEtag, after.Version.Next()));

        var row = await table.ReadRowAsync(silo.SiloAddress);
        Assert.Equal(before.Version.Version + 1, row.Version.Version);
        var (stored, _) = Assert.Single(row.Members);
        Assert.Equal(SiloStatus.Dead, stored.Status);
        Assert.NotNull(stored.SuspectTimes);
        var (suspecter, at) = Assert.Single(stored.SuspectTimes);
        Assert.Equal((voter.SiloAddress, Started.AddSeconds(5)), (suspecter, at));
    }

    [Fact]
    public async Task UpdateRow_LetsExactlyOneWriterWin_WhenSilosRaceFromTheSameVersion()
    {
        var table = await InitializedTableAsync("alpha");
        Assert.True(await table.InsertRowAsync(Entry(1, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadAllAsync();
        var version = read.Version;
        var racers = Enumerable.Range(0, 8).Select(_ => Table("alpha")).ToList();
        await Task.WhenAll(racers.Select(racer => racer.InitializeMembershipTableAsync(tryInitTableVersion: false)));

        var outcomes = await Task.WhenAll(racers.Select(racer => racer.UpdateRowAsync(Entry(1, SiloStatus.ShuttingDown), read.Members[0].Item2, version.Next())));

        Assert.Single(outcomes, won => won);
        Assert.Equal(version.Version + 1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_MovesTheHeartbeat_AndLeavesTheVersion()
    {
        var table = await InitializedTableAsync("alpha");
        var silo = Entry(1, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        var version = (await table.ReadAllAsync()).Version.Version;

        silo.IAmAliveTime = Started.AddMinutes(2);
        await table.UpdateIAmAliveAsync(silo);

        var read = await table.ReadRowAsync(silo.SiloAddress);
        Assert.Equal(version, read.Version.Version);
        Assert.Equal(Started.AddMinutes(2), Assert.Single(read.Members).Item1.IAmAliveTime);
    }

    [Fact]
    public async Task Gateways_AreTheActiveSilosOfTheCluster()
    {
        var table = await InitializedTableAsync("alpha");
        var other = await InitializedTableAsync("beta");
        foreach (var (entry, into) in new[] { (Entry(1, SiloStatus.Active), table), (Entry(2, SiloStatus.Joining), table), (Entry(3, SiloStatus.Dead), table), (Entry(4, SiloStatus.Active), other) })
        {
            Assert.True(await into.InsertRowAsync(entry, (await into.ReadAllAsync()).Version.Next()));
        }

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance, _services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = PostgresClustering.Invariant, ConnectionString = _connectionString }),
            Options.Create(new GatewayOptions()), Options.Create(new ClusterOptions { ClusterId = "alpha" }));
        await gateways.InitializeGatewayListProvider();

        var uri = Assert.Single(await gateways.GetGateways());
        Assert.Equal(Entry(1, SiloStatus.Active).SiloAddress.Endpoint.Address, IPAddress.Parse(uri.Host));
        Assert.Equal(30001, uri.Port);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyLongDeadSilos()
    {
        var table = await InitializedTableAsync("alpha");
        var longDead = Entry(1, SiloStatus.Dead);
        var recentlyDead = Entry(2, SiloStatus.Dead);
        recentlyDead.IAmAliveTime = Started.AddDays(2);
        var active = Entry(3, SiloStatus.Active);
        foreach (var entry in new[] { longDead, recentlyDead, active })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Started.AddDays(1)));

        Assert.Equal([recentlyDead.SiloAddress, active.SiloAddress],
            (await table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress).Order());
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_ForgetsOneClusterOnly()
    {
        var table = await InitializedTableAsync("alpha");
        var other = await InitializedTableAsync("beta");
        Assert.True(await table.InsertRowAsync(Entry(1, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await other.InsertRowAsync(Entry(2, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync("alpha");

        Assert.Single((await other.ReadAllAsync()).Members);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Empty((await table.ReadAllAsync()).Members);
    }

    private AdoNetClusteringTable Table(string clusterId) => new(
        _services,
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "orchestrator" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = PostgresClustering.Invariant, ConnectionString = _connectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private async Task<AdoNetClusteringTable> InitializedTableAsync(string clusterId)
    {
        var table = Table(clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    /// <summary>The row's ETag as read: the table version it was read at, which an update must still find.</summary>
    private static string EtagOf(MembershipTableData read, MembershipEntry entry) =>
        read.Members.Single(member => member.Item1.SiloAddress.Equals(entry.SiloAddress)).Item2;

    /// <summary>Silo number <paramref name="n"/> (its address, ports and names follow from n).</summary>
    private static MembershipEntry Entry(int n, SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Parse($"10.0.0.{n}"), 11110 + n, 1000 + n),
        SiloName = $"silo-{n}",
        HostName = $"host-{n}",
        Status = status,
        ProxyPort = 30000 + n,
        StartTime = Started,
        IAmAliveTime = Started.AddSeconds(1),
    };
}
