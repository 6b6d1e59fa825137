using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Providers.Postgres;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Tests.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>Several backends on one database, as several silos would have: the database, not a backend's memory,
/// decides which write wins, numbers queue items and runs the migration once.</summary>
[Collection(nameof(PostgresTests))]
public sealed class PostgresSharedDatabaseTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly List<PostgresStorageBackend> _backends = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await postgres.Server.CreateDatabaseAsync(nameof(PostgresSharedDatabaseTests));

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task WriteAsync_LetsExactlyOneWriterWin_WhenTwoBackendsWriteTheSameGrainFromTheSameEtag()
    {
        var (silo1, silo2) = (await OpenAsync(), await OpenAsync());
        var grains = Enumerable.Range(0, 50).Select(i => GrainId.Create("run", $"contested{i}")).ToArray();
        var etags = await Task.WhenAll(grains.Select(grain => WriteAsync(silo1, grain, "v1", null, 1)));

        var outcomes = await Task.WhenAll(grains.SelectMany((grain, i) => new[]
        {
            TryWriteAsync(silo1, grain, "from silo 1", etags[i]),
            TryWriteAsync(silo2, grain, "from silo 2", etags[i]),
        }));

        for (var i = 0; i < grains.Length; i++)
        {
            var (first, second) = (outcomes[2 * i], outcomes[(2 * i) + 1]);
            Assert.True(first.Won ^ second.Won, $"{grains[i]}: exactly one of the two writes must win");
            var winner = first.Won ? first : second;
            var stored = await ReadAsync(silo2, grains[i]);
            Assert.Equal((winner.Payload, winner.Etag), (stored.State!.Payload, stored.ETag));
            var journal = await silo1.Queries.ReadJournalAsync(grains[i], 1, 10, Ct);
            Assert.Equal(winner.Payload, Assert.Single(journal).Payload);
        }
    }

    [Fact]
    public async Task ClearAsync_FailsOnTheOtherBackend_WhenTheGrainWasWrittenThere()
    {
        var (silo1, silo2) = (await OpenAsync(), await OpenAsync());
        var grain = GrainId.Create("run", "moved");
        var etag = await WriteAsync(silo1, grain, "v1", null, 1);
        await WriteAsync(silo2, grain, "v2", etag, 2);

        var stale = new GrainState<ContractState>(new ContractState(), etag) { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo1.Grains.ClearStateAsync("state", grain, stale));

        Assert.Equal("v2", (await ReadAsync(silo1, grain)).State!.Payload);
    }

    [Fact]
    public async Task AppendAsync_NumbersItemsConsecutively_WhenTwoBackendsAppendToOneQueueAtOnce()
    {
        var (silo1, silo2) = (await OpenAsync(), await OpenAsync());
        var queue = StreamId.Create("queue", "shared");
        const int PerSilo = 100;

        var appended = await Task.WhenAll(Enumerable.Range(0, PerSilo).SelectMany(i => new[]
        {
            AppendAsync(silo1, $"silo 1 #{i}"),
            AppendAsync(silo2, $"silo 2 #{i}"),
        }));

        Assert.Equal(Enumerable.Range(1, 2 * PerSilo).Select(i => (long)i), appended.Select(item => item.Sequence).Order());
        var stored = await silo1.Queues.ReadAsync(queue, 0, 1000, Ct);
        Assert.Equal(appended.OrderBy(item => item.Sequence).Select(item => (item.Sequence, item.Payload)),
            stored.Select(item => (item.Sequence, item.Payload)));
        Assert.Equal(2 * PerSilo, (await silo2.Queues.GetStatsAsync(queue, Ct)).Produced);

        async Task<(long Sequence, string Payload)> AppendAsync(PostgresStorageBackend silo, string payload) =>
            ((await silo.Queues.AppendAsync(queue, payload, 10_000, DateTimeOffset.UnixEpoch, Ct))!.Value, payload);
    }

    [Fact]
    public async Task AppendAsync_NeverExceedsCapacity_WhenTwoBackendsFillOneQueueAtOnce()
    {
        var (silo1, silo2) = (await OpenAsync(), await OpenAsync());
        var queue = StreamId.Create("queue", "bounded");

        var appended = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? silo1 : silo2).Queues.AppendAsync(queue, $"#{i}", 25, DateTimeOffset.UnixEpoch, Ct)));

        Assert.Equal(25, appended.Count(sequence => sequence is not null));
        Assert.Equal(25, (await silo1.Queues.GetStatsAsync(queue, Ct)).Depth);
    }

    [Fact]
    public async Task UpsertRow_GivesEachWriteItsOwnEtag_WhenTwoBackendsShareTheReminderTable()
    {
        var (silo1, silo2) = (await OpenAsync(), await OpenAsync());
        var grain = GrainId.Create("schedule", "nightly");
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "fire", StartAt = DateTime.UnixEpoch, Period = TimeSpan.FromMinutes(1) };

        var first = await silo1.Reminders.UpsertRow(entry);
        var second = await silo2.Reminders.UpsertRow(entry);

        Assert.NotEqual(first, second);
        Assert.False(await silo1.Reminders.RemoveRow(grain, "fire", first!));
        Assert.True(await silo1.Reminders.RemoveRow(grain, "fire", second!));
        Assert.Null(await silo2.Reminders.ReadRow(grain, "fire"));
    }

    [Fact]
    public async Task InitializeAsync_MigratesOnce_WhenThreeBackendsStartTogetherOnAnEmptyDatabase()
    {
        var backends = Enumerable.Range(0, 3).Select(_ => Create(new PostgresStorageOptions(_connectionString))).ToList();

        await Task.WhenAll(backends.Select(backend => backend.InitializeAsync(Ct)));

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version ORDER BY version", connection);
        var versions = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions.Add(reader.GetInt32(0));
            }
        }

        Assert.Equal(Enumerable.Range(1, PostgresSchema.LatestVersion), versions);
        await Task.WhenAll(backends.Select(backend => backend.PingAsync(Ct)));
    }

    private async Task<PostgresStorageBackend> OpenAsync()
    {
        var backend = Create(new PostgresStorageOptions(_connectionString));
        await backend.InitializeAsync(Ct);
        return backend;
    }

    private PostgresStorageBackend Create(PostgresStorageOptions options)
    {
        var backend = new PostgresStorageBackend(options, TimeProvider.System, NullLogger<PostgresStorageBackend>.Instance);
        _backends.Add(backend);
        return backend;
    }

    private static async Task<string> WriteAsync(PostgresStorageBackend backend, GrainId grain, string payload, string? etag, long sequence)
    {
        var state = new GrainState<ContractState>(new ContractState { Payload = payload, Journal = [new JournalEntry(sequence, payload)] }, etag)
        {
            RecordExists = etag is not null,
        };
        await backend.Grains.WriteStateAsync("state", grain, state);
        return state.ETag!;
    }

    private static async Task<(bool Won, string Payload, string? Etag)> TryWriteAsync(PostgresStorageBackend backend, GrainId grain, string payload, string etag)
    {
        try
        {
            return (true, payload, await WriteAsync(backend, grain, payload, etag, 2));
        }
        catch (InconsistentStateException)
        {
            return (false, payload, null);
        }
    }

    private static async Task<GrainState<ContractState>> ReadAsync(PostgresStorageBackend backend, GrainId grain)
    {
        var state = new GrainState<ContractState>(new ContractState());
        await backend.Grains.ReadStateAsync("state", grain, state);
        return state;
    }
}
