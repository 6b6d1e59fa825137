using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Providers.Postgres;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Tests.Postgres;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>The storage contract on a real PostgreSQL database (one per test), plus what only this backend has: group
/// commit over the network, durability on completion, schema migration.</summary>
[Collection(nameof(PostgresTests))]
public sealed class PostgresStorageBackendTests(PostgresFixture postgres) : StorageBackendContractTests
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("No database yet.");

    protected override async Task<IStorageBackend> OpenAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync(nameof(PostgresStorageBackendTests));
        return await OpenAsync(new PostgresStorageOptions(ConnectionString));
    }

    protected override async Task<IStorageBackend> ReopenAsync(IStorageBackend backend)
    {
        await backend.DisposeAsync();
        return await OpenAsync(new PostgresStorageOptions(ConnectionString));
    }

    [Fact]
    public async Task WriteAsync_CommitsConcurrentWritesInFewerTransactions_WhenGroupCommitIsOn()
    {
        var backend = (PostgresStorageBackend)Backend;
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("run", $"g{i:000}")).ToArray();
        var before = backend.Commits;

        var payloadsSeenOnCompletion = await Task.WhenAll(grains.Select(async grain =>
        {
            await WriteAsync(grain, $"state of {grain.Key}", null);
            return await ReadPayloadFromFreshConnectionAsync(grain);
        }));

        var after = backend.Commits;
        Assert.Equal(grains.Select(grain => $"state of {grain.Key}"), payloadsSeenOnCompletion);
        Assert.InRange(after.Transactions - before.Transactions, 1, grains.Length - 1);
        // The writes counted are the writes made, whatever batches carried them.
        Assert.Equal(grains.Length, after.Writes - before.Writes);
        Assert.True(after.Busy > before.Busy);
    }

    [Fact]
    public async Task AuditAppendsAndStateWrites_ShareTransactions_WhenTheyArriveTogether()
    {
        // Every statement in a batch must answer as the writer reads it; one that does not fails its batch, and each
        // write is then committed alone: as many transactions as writes.
        var backend = (PostgresStorageBackend)Backend;
        var before = backend.Commits;

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => i % 2 == 0
            ? Backend.Audit.AppendAsync(new AuditRecord($"a{i:000}", T0.AddMilliseconds(i), "{}"), Ct)
            : WriteAsync(GrainId.Create("run", $"w{i:000}"), "written", null)));

        var after = backend.Commits;
        Assert.Equal(100, after.Writes - before.Writes);
        Assert.InRange(after.Transactions - before.Transactions, 1, 99);
        Assert.Equal(50, (await Backend.Audit.ListAsync(100, null, Ct)).Records.Count);
    }

    [Fact]
    public async Task ReminderChanges_ShareTransactionsWithStateWrites_WhenTheyArriveTogether()
    {
        var backend = (PostgresStorageBackend)Backend;
        var grains = Enumerable.Range(0, 50).Select(i => GrainId.Create("run", $"d{i:000}")).ToArray();
        var before = backend.Commits;

        var upserts = grains.Select(grain => Backend.Reminders.UpsertRow(
            new ReminderEntry { GrainId = grain, ReminderName = "delays", StartAt = T0.UtcDateTime, Period = TimeSpan.FromSeconds(5) })).ToList();
        var writes = grains.Select(grain => WriteAsync(grain, "waiting", null)).ToList();
        await Task.WhenAll(writes);
        var etags = await Task.WhenAll(upserts);

        var after = backend.Commits;
        Assert.Equal(100, after.Writes - before.Writes);
        Assert.InRange(after.Transactions - before.Transactions, 1, 99);
        Assert.Equal(50, etags.Distinct().Count());
        // A removal goes the same way, and still only with the ETag stored.
        Assert.False(await Backend.Reminders.RemoveRow(grains[0], "delays", etags[1]!));
        Assert.True(await Backend.Reminders.RemoveRow(grains[0], "delays", etags[0]!));
        Assert.Empty((await Backend.Reminders.ReadRows(grains[0])).Reminders);
        Assert.Single((await Backend.Reminders.ReadRows(grains[1])).Reminders);
    }

    [Fact]
    public async Task WriteAsync_CommitsEachWriteAlone_WhenGroupCommitIsOff()
    {
        await using var baseline = (PostgresStorageBackend)await OpenAsync(new PostgresStorageOptions(ConnectionString) { GroupCommit = false });
        var before = baseline.Commits.Transactions;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            baseline.Grains.WriteStateAsync("state", GrainId.Create("run", $"g{i}"), new GrainState<ContractState>(new ContractState()))));

        Assert.Equal(20, baseline.Commits.Transactions - before);
    }

    [Fact]
    public async Task WriteAsync_FailsOnlyTheBadWrite_WhenItsBatchHitsAnSqlError()
    {
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("run", $"g{i}")).ToArray();
        var before = grains[..20].Select(grain => WriteAsync(grain, "ok", null)).ToList();
        // A view row without its first key breaks a NOT NULL constraint and aborts the batch's transaction.
        var bad = WriteAsync(GrainId.Create("run", "bad"), "bad", null, new ViewRow("runs", null!, "x", T0, "{}"));
        var after = grains[20..].Select(grain => WriteAsync(grain, "ok", null)).ToList();

        var error = await Assert.ThrowsAsync<PostgresException>(() => bad);
        await Task.WhenAll(before.Concat(after));

        Assert.Equal(PostgresErrorCodes.NotNullViolation, error.SqlState);
        foreach (var grain in grains)
        {
            Assert.Equal("ok", await ReadPayloadFromFreshConnectionAsync(grain));
        }

        Assert.Null(await ReadPayloadFromFreshConnectionAsync(GrainId.Create("run", "bad")));
    }

    [Fact]
    public async Task WriteAsync_FailsOnlyTheStaleWrites_WhenTheyShareABatchWithGoodOnes()
    {
        var backend = (PostgresStorageBackend)Backend;
        var grains = Enumerable.Range(0, 60).Select(i => GrainId.Create("run", $"g{i:00}")).ToArray();
        var etags = await Task.WhenAll(grains.Select(grain => WriteAsync(grain, "v1", null, Row("runs", "wf", "v1"))));
        var before = backend.Commits.Transactions;

        // Every third write is stale; all are queued at once, so they share batches.
        var writes = grains.Select((grain, i) => i % 3 == 0
            ? WriteStateAsync(grain, "state", "stale", "999999", [Row("runs", "wf", "stale")], [new JournalEntry(1, "lost")])
            : WriteStateAsync(grain, "state", "v2", etags[i], [Row("runs", "wf", "v2")], [new JournalEntry(1, "e1")])).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return "written";
            }
            catch (Orleans.Storage.InconsistentStateException)
            {
                return "stale";
            }
        }));

        Assert.InRange(backend.Commits.Transactions - before, 1, grains.Length - 1);
        for (var i = 0; i < grains.Length; i++)
        {
            var stale = i % 3 == 0;
            Assert.Equal(stale ? "stale" : "written", outcomes[i]);
            Assert.Equal(stale ? "v1" : "v2", (await ReadAsync(grains[i]))?.Payload);
            Assert.Equal(stale ? [] : [new JournalEntry(1, "e1")], await Backend.Queries.ReadJournalAsync(grains[i], 0, 10, Ct));
        }

        var view = await Backend.Queries.ReadViewAsync("runs", "wf", null).Select(row => row.Key2).ToListAsync();
        Assert.Equal(grains.Length / 3, view.Count(status => status == "v1"));
        Assert.Equal(grains.Length - (grains.Length / 3), view.Count(status => status == "v2"));
    }

    [Fact]
    public async Task DisposeAsync_CommitsQueuedWrites_WhenWritesArePending()
    {
        var grains = Enumerable.Range(0, 50).Select(i => GrainId.Create("run", $"g{i}")).ToArray();
        var writes = grains.Select(grain => WriteAsync(grain, "queued", null)).ToList();

        await ReopenBackendAsync();

        await Task.WhenAll(writes);
        foreach (var grain in grains)
        {
            Assert.Equal("queued", (await ReadAsync(grain))?.Payload);
        }
    }

    [Fact]
    public async Task InitializeAsync_MigratesOnce_WhenTheDatabaseIsNewThenReopened()
    {
        await ReopenBackendAsync();

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version", connection);
        Assert.Equal(string.Join(',', Enumerable.Range(1, PostgresSchema.LatestVersion)), await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task InitializeAsync_MovesTheAuditRecords_WhenTheDatabaseKeptThemAsGrainStatesWithViewRows()
    {
        // Schema 3 kept each audit record as a grain state and a row of the 'audit' view.
        var connectionString = await postgres.Server.CreateDatabaseAsync(nameof(PostgresStorageBackendTests) + "-third");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await PostgresSchema.MigrateAsync(connection, TimeProvider.System, NullLogger.Instance, targetVersion: 3, CancellationToken.None);
            await using var insert = new NpgsqlCommand("""
                INSERT INTO grain_state (grain_type, grain_key, state_name, payload, etag, updated_at)
                VALUES ('audit', 'older', 'audit', '{}', 1, now()), ('audit', 'newer', 'audit', '{}', 2, now()), ('run', 'r1', 'run', '{}', 3, now());
                INSERT INTO view_rows (view_name, grain_type, grain_key, key1, key2, sort_at, payload)
                VALUES ('audit', 'audit', 'older', '', 'POST', '2025-03-01T12:00:00Z', '{"id":"older"}'),
                       ('audit', 'audit', 'newer', '', 'DELETE', '2025-03-01T12:00:01Z', '{"id":"newer"}'),
                       ('runs', 'run', 'r1', 'wf', 'running', '2025-03-01T12:00:00Z', '{"runId":"r1"}');
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }

        await using var migrated = await OpenAsync(new PostgresStorageOptions(connectionString));

        await AssertAuditRecordsMovedAsync(migrated, T0, T0.AddSeconds(1));
    }

    [Fact]
    public async Task WriteAsync_Throws_WhenBackendIsDisposed()
    {
        await Backend.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => WriteAsync(GrainId.Create("run", "late"), "{}", null));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ReadAsync(GrainId.Create("run", "late")));
    }

    private static async Task<IStorageBackend> OpenAsync(PostgresStorageOptions options)
    {
        var backend = new PostgresStorageBackend(options, TimeProvider.System, NullLogger<PostgresStorageBackend>.Instance);
        await backend.InitializeAsync(Ct);
        return backend;
    }

    private static ViewRow Row(string view, string key1, string key2) => new(view, key1, key2, T0, "{}");

    private async Task<string?> ReadPayloadFromFreshConnectionAsync(GrainId grain)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload::json->>'payload' FROM grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = 'state'", connection);
        command.Parameters.AddWithValue("type", grain.Type.ToString()!);
        command.Parameters.AddWithValue("key", grain.Key.ToString()!);
        return await command.ExecuteScalarAsync() as string;
    }
}
