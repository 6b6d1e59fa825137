using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Sqlite;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>The storage contract on a real SQLite file, plus what only SQLite has: group commit, durability on
/// completion, schema migration.</summary>
public sealed class SqliteStorageBackendTests : StorageBackendContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "storage.db");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override Task<IStorageBackend> OpenAsync() => OpenAsync(new SqliteStorageOptions(DatabasePath));

    protected override async Task<IStorageBackend> ReopenAsync(IStorageBackend backend)
    {
        await backend.DisposeAsync();
        return await OpenAsync();
    }

    [Fact]
    public async Task WriteAsync_CommitsConcurrentWritesInFewerTransactions_WhenGroupCommitIsOn()
    {
        var sqlite = (SqliteStorageBackend)Backend;
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("run", $"g{i:000}")).ToArray();
        var before = sqlite.Commits;

        var payloadsSeenOnCompletion = await Task.WhenAll(grains.Select(async grain =>
        {
            await WriteAsync(grain, $"state of {grain.Key}", null);
            return ReadPayloadFromFreshConnection(grain);
        }));

        var after = sqlite.Commits;
        Assert.Equal(grains.Select(grain => $"state of {grain.Key}"), payloadsSeenOnCompletion);
        Assert.InRange(after.Transactions - before.Transactions, 1, grains.Length - 1);
        // The writes counted are the writes made, whatever batches carried them.
        Assert.Equal(grains.Length, after.Writes - before.Writes);
        Assert.True(after.Busy > before.Busy);
    }

    [Fact]
    public async Task WriteAsync_CommitsEachWriteAlone_WhenGroupCommitIsOff()
    {
        await using var baseline = (SqliteStorageBackend)await OpenAsync(
            new SqliteStorageOptions(Path.Combine(_directory, "baseline.db"), GroupCommit: false));
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
        // A view row without its first key breaks a NOT NULL constraint inside the batch's transaction.
        var bad = WriteAsync(GrainId.Create("run", "bad"), "bad", null, new ViewRow("runs", null!, "x", T0, "{}"));
        var after = grains[20..].Select(grain => WriteAsync(grain, "ok", null)).ToList();

        await Assert.ThrowsAsync<SqliteException>(() => bad);
        await Task.WhenAll(before.Concat(after));

        Assert.All(grains, grain => Assert.Equal("ok", ReadPayloadFromFreshConnection(grain)));
        Assert.Null(ReadPayloadFromFreshConnection(GrainId.Create("run", "bad")));
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
    public async Task InitializeAsync_CreatesDirectoryAndMigratesOnce_WhenFileIsNewThenReopened()
    {
        await ReopenBackendAsync();

        using var connection = OpenFreshConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(version) FROM schema_version";
        Assert.Equal("1,2,3,4,5,6", command.ExecuteScalar());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task InitializeAsync_CarriesRemindersOver_WhenTheDatabaseHasTheFirstSchema()
    {
        var path = OlderDatabase("first-schema.db", version: 1, """
            INSERT INTO reminders (grain_type, grain_key, name, first_due_at, due_at, period_ms, etag)
            VALUES ('schedule', 'nightly', 'fire', 1000, 86401000, 86400000, 7)
            """);

        await using var migrated = await OpenAsync(new SqliteStorageOptions(path));

        var grain = GrainId.Create("schedule", "nightly");
        var entry = await migrated.Reminders.ReadRow(grain, "fire");
        Assert.NotNull(entry);
        Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(86401000).UtcDateTime, TimeSpan.FromDays(1), "7"),
            (entry.StartAt, entry.Period, entry.ETag));
        var hash = grain.GetUniformHashCode();
        Assert.Single((await migrated.Reminders.ReadRows(hash - 1, hash)).Reminders);
        var newer = await migrated.Reminders.UpsertRow(entry);
        Assert.NotEqual("7", newer);
    }

    [Fact]
    public async Task ReadJournalAsync_ReadsTheThirdSchemasRows_BesideRowsOfSeveralEntries()
    {
        var path = OlderDatabase("third-schema.db", version: 3, """
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, etag, updated_at) VALUES ('run', 'old', 'state', 'v1', 5, 0);
            INSERT INTO grain_journal (grain_type, grain_key, seq, payload) VALUES ('run', 'old', 1, 'e1'), ('run', 'old', 2, 'e2');
            UPDATE counters SET value = 5 WHERE name = 'etag';
            """);

        await using var migrated = await OpenAsync(new SqliteStorageOptions(path));
        var grain = GrainId.Create("run", "old");
        Assert.Equal([new JournalEntry(1, "e1"), new JournalEntry(2, "e2")], await migrated.Queries.ReadJournalAsync(grain, 0, 10, Ct));

        var state = new ContractState { Payload = "v2", Journal = [new(3, "e3"), new(4, "e4"), new(5, "e5")], JournalKeepsFrom = 2 };
        await migrated.Grains.WriteStateAsync("state", grain, new GrainState<ContractState>(state, "5") { RecordExists = true });

        Assert.Equal([new JournalEntry(2, "e2"), new JournalEntry(3, "e3"), new JournalEntry(4, "e4"), new JournalEntry(5, "e5")],
            await migrated.Queries.ReadJournalAsync(grain, 0, 10, Ct));
        Assert.Equal([new JournalEntry(4, "e4")], await migrated.Queries.ReadJournalAsync(grain, 3, 1, Ct));
    }

    [Fact]
    public async Task InitializeAsync_MovesTheAuditRecords_WhenTheDatabaseKeptThemAsGrainStatesWithViewRows()
    {
        // Schema 4 kept each audit record as a grain state and a row of the 'audit' view.
        var path = OlderDatabase("fourth-schema.db", version: 4, """
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, etag, updated_at)
            VALUES ('audit', 'older', 'audit', '{"entry":{}}', 1, 0), ('audit', 'newer', 'audit', '{"entry":{}}', 2, 0),
                   ('run', 'r1', 'run', '{}', 3, 0);
            INSERT INTO view_rows (view, grain_type, grain_key, key1, key2, sort_at, payload)
            VALUES ('audit', 'audit', 'older', '', 'POST', 1000, '{"id":"older"}'), ('audit', 'audit', 'newer', '', 'DELETE', 2000, '{"id":"newer"}'),
                   ('runs', 'run', 'r1', 'wf', 'running', 1500, '{"runId":"r1"}');
            UPDATE counters SET value = 3 WHERE name = 'etag';
            """);

        await using var migrated = await OpenAsync(new SqliteStorageOptions(path));

        await AssertAuditRecordsMovedAsync(migrated, DateTimeOffset.FromUnixTimeMilliseconds(1000), DateTimeOffset.FromUnixTimeMilliseconds(2000));
    }

    [Fact]
    public async Task InitializeAsync_KeepsTwoAscendingViewIndexes_AndListsTheFifthSchemasRowsAsBefore()
    {
        var path = OlderDatabase("fifth-schema.db", version: 5, """
            INSERT INTO view_rows (view, grain_type, grain_key, key1, key2, sort_at, payload)
            VALUES ('runs', 'run', 'r1', 'wf-a', 'running', 1000, '{}'), ('runs', 'run', 'r2', 'wf-b', 'completed', 2000, '{}'),
                   ('runs', 'run', 'r3', 'wf-a', 'failed', 3000, '{}'), ('runs', 'run', 'r4', 'wf-a', 'completed', 3000, '{}');
            """);

        await using (var migrated = await OpenAsync(new SqliteStorageOptions(path)))
        {
            Assert.Equal(["r4", "r3", "r2", "r1"], (await migrated.Queries.QueryViewAsync(new ViewQuery("runs", null, null, 10), Ct)).Rows.Select(r => r.GrainKey));
            Assert.Equal(["r4", "r3", "r1"], (await migrated.Queries.QueryViewAsync(new ViewQuery("runs", "wf-a", null, 10), Ct)).Rows.Select(r => r.GrainKey));
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'view_rows' ORDER BY name";
        using var reader = command.ExecuteReader();
        var indexes = new List<(string, string)>();
        while (reader.Read())
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.Equal(
            [
                ("view_rows_by_grain", "CREATE INDEX view_rows_by_grain ON view_rows (grain_type, grain_key, view)"),
                ("view_rows_by_key2", "CREATE INDEX view_rows_by_key2 ON view_rows (view, key2, sort_at, grain_key)"),
                ("view_rows_by_keys", "CREATE INDEX view_rows_by_keys ON view_rows (view, key1, key2, sort_at, grain_key)"),
            ],
            indexes);
    }

    [Fact]
    public async Task QueryViewAsync_ListsNewestFirst_WhenAViewHasMoreKey2ValuesThanAListingMerges()
    {
        var count = SqliteStateStore.MaxMergedKey2Values + 3;
        for (var i = 0; i < count; i++)
        {
            await WriteAsync(GrainId.Create("item", $"i{i:00}"), "{}", null, new ViewRow("tagged", "all", $"tag-{i % (count - 1)}", DateTimeOffset.FromUnixTimeMilliseconds(1000 + i), "{}"));
        }

        var first = await Backend.Queries.QueryViewAsync(new ViewQuery("tagged", null, null, count - 5), Ct);
        var rest = await Backend.Queries.QueryViewAsync(new ViewQuery("tagged", "all", null, count, first.Next), Ct);

        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"i{i:00}"), first.Rows.Concat(rest.Rows).Select(r => r.GrainKey));
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task LargeStatesAndJournalRows_AreStoredCompressed_AndReadBackAsWritten_ThroughATrimOfAPackedRow()
    {
        var grain = GrainId.Create("run", "large");
        var payload = string.Concat(Enumerable.Range(0, 200).Select(i => $"{{\"node\":\"t{i:000}\",\"status\":\"completed\",\"note\":\"été 日本\"}}"));
        var journal = Enumerable.Range(1, 40).Select(i => new JournalEntry(i, $"{{\"seq\":{i},\"type\":\"node.completed\",\"text\":\"日本 ü\"}}")).ToList();
        var etag = await WriteStateAsync(grain, "state", payload, null, journal: journal);

        Assert.Equal(payload, (await ReadAsync(grain))?.Payload);
        Assert.Equal(journal, await Backend.Queries.ReadJournalAsync(grain, 0, 100, Ct));
        Assert.Equal(journal.Skip(17).Take(5), await Backend.Queries.ReadJournalAsync(grain, 17, 5, Ct));
        using (var connection = OpenFreshConnection())
        using (var command = connection.CreateCommand())
        {
            // In the file: BLOBs, a fraction of the texts' size.
            command.CommandText = "SELECT typeof(payload), length(payload) FROM grain_state WHERE grain_key = 'large' "
                + "UNION ALL SELECT typeof(payload), length(payload) FROM grain_journal WHERE grain_key = 'large'";
            using var reader = command.ExecuteReader();
            var stored = new List<(string Type, long Length)>();
            while (reader.Read())
            {
                stored.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            Assert.Equal(["blob", "blob"], stored.Select(row => row.Type));
            Assert.True(stored[0].Length < payload.Length / 4, $"state stored in {stored[0].Length} bytes");
            Assert.True(stored[1].Length < journal.Sum(entry => entry.Payload.Length) / 4, $"journal row stored in {stored[1].Length} bytes");
        }

        // A trim inside the packed, compressed row rewrites what it keeps.
        var more = Enumerable.Range(41, 5).Select(i => new JournalEntry(i, $"{{\"seq\":{i}}}")).ToList();
        await WriteStateAsync(grain, "state", payload + "!", etag, journal: more, journalKeepsFrom: 20);

        Assert.Equal(payload + "!", (await ReadAsync(grain))?.Payload);
        Assert.Equal([.. journal.Skip(19), .. more], await Backend.Queries.ReadJournalAsync(grain, 0, 100, Ct));
    }

    [Fact]
    public async Task LargeViewPayloads_AreStoredCompressed_AndListedAsWritten_BesideSmallOnes()
    {
        var large = "{\"nodes\":[" + string.Join(",", Enumerable.Range(0, 80).Select(i => $"{{\"node\":\"t{i:00}\",\"ms\":{i * 7}}}")) + "]}";
        var small = "{\"status\":\"completed\"}";
        await WriteAsync(GrainId.Create("run", "timed"), "{}", null,
            new ViewRow("run-timings", "wf", "completed", T0, large), new ViewRow("runs", "wf", "completed", T0, small));

        Assert.Equal(large, Assert.Single((await Backend.Queries.QueryViewAsync(new ViewQuery("run-timings", "wf", null, 10), Ct)).Rows).Payload);
        Assert.Equal(small, Assert.Single((await Backend.Queries.QueryViewAsync(new ViewQuery("runs", null, "completed", 10), Ct)).Rows).Payload);
        using var connection = OpenFreshConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT view, typeof(payload), length(payload) FROM view_rows WHERE grain_key = 'timed' ORDER BY view";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(("run-timings", "blob"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.GetInt64(2) < large.Length / 3, $"stored in {reader.GetInt64(2)} bytes");
        Assert.True(reader.Read());
        Assert.Equal(("runs", "text"), (reader.GetString(0), reader.GetString(1)));
    }

    [Fact]
    public async Task AWrite_LeavesTheViewRowsItsStateObjectWroteAsTheyAre_UntilTheyChange_OrAWriteFails()
    {
        var grain = GrainId.Create("run", "steps");
        var runs = new ViewRow("runs", "wf", "running", T0, "{\"status\":\"running\"}");
        var byTrigger = new ViewRow("runs-by-trigger", "api", "running", T0, "{\"status\":\"running\"}");
        var run = new ContractState { Payload = "step 1", Views = [runs, byTrigger] };
        var state = new GrainState<ContractState>(run);
        await Backend.Grains.WriteStateAsync("state", grain, state);

        // Rows marked in the file show whether a later write rewrote them.
        MarkViewRows();
        run.Payload = "step 2";
        await Backend.Grains.WriteStateAsync("state", grain, state);
        Assert.Equal(new Dictionary<string, string> { ["runs"] = "marked", ["runs-by-trigger"] = "marked" }, ViewPayloads());

        // One view changes: only its row is rewritten.
        var done = runs with { Key2 = "completed", Payload = "{\"status\":\"completed\"}" };
        run.Views = [done, byTrigger];
        await Backend.Grains.WriteStateAsync("state", grain, state);
        Assert.Equal(new Dictionary<string, string> { ["runs"] = done.Payload, ["runs-by-trigger"] = "marked" }, ViewPayloads());
        Assert.Equal("steps", Assert.Single((await Backend.Queries.QueryViewAsync(new ViewQuery("runs", "wf", "completed", 10), Ct)).Rows).GrainKey);

        // After a write that failed, the next one writes every view again.
        MarkViewRows();
        var etag = state.ETag;
        state.ETag = "999999";
        await Assert.ThrowsAsync<InconsistentStateException>(() => Backend.Grains.WriteStateAsync("state", grain, state));
        state.ETag = etag;
        await Backend.Grains.WriteStateAsync("state", grain, state);
        Assert.Equal(new Dictionary<string, string> { ["runs"] = done.Payload, ["runs-by-trigger"] = byTrigger.Payload }, ViewPayloads());
    }

    private void MarkViewRows()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false;Default Timeout=10");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE view_rows SET payload = 'marked' WHERE grain_key = 'steps'";
        Assert.Equal(2, command.ExecuteNonQuery());
    }

    private Dictionary<string, string> ViewPayloads()
    {
        using var connection = OpenFreshConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT view, payload FROM view_rows WHERE grain_key = 'steps'";
        using var reader = command.ExecuteReader();
        var payloads = new Dictionary<string, string>();
        while (reader.Read())
        {
            payloads.Add(reader.GetString(0), reader.GetString(1));
        }

        return payloads;
    }

    [Fact]
    public async Task ReadAsync_GivesEachOfManyConcurrentReadsItsOwnRecord_RoundAfterRound()
    {
        var grains = Enumerable.Range(0, 32).Select(i => GrainId.Create("run", $"read-{i}")).ToList();
        foreach (var grain in grains)
        {
            await WriteAsync(grain, $"payload of {grain.Key}", null);
        }

        // More reads at once than the pool keeps idle, from many threads, twice: each sees its own grain's record.
        for (var round = 0; round < 2; round++)
        {
            var reads = await Task.WhenAll(grains.Select(grain => Task.Run(() => ReadAsync(grain))));
            Assert.Equal(grains.Select(grain => $"payload of {grain.Key}"), reads.Select(read => read?.Payload));
        }
    }

    [Fact]
    public async Task WriteAsync_Throws_WhenBackendIsDisposed()
    {
        await Backend.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => WriteAsync(GrainId.Create("run", "late"), "{}", null));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ReadAsync(GrainId.Create("run", "late")));
    }

    /// <summary>A database file at schema <paramref name="version"/> holding the rows <paramref name="rows"/> inserts;
    /// returns its path.</summary>
    private string OlderDatabase(string name, int version, string rows)
    {
        var path = Path.Combine(_directory, name);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        SqliteSchema.Migrate(connection, TimeProvider.System, NullLogger.Instance, targetVersion: version);
        using var insert = connection.CreateCommand();
        insert.CommandText = rows;
        insert.ExecuteNonQuery();
        return path;
    }

    private static async Task<IStorageBackend> OpenAsync(SqliteStorageOptions options)
    {
        var backend = new SqliteStorageBackend(options, TimeProvider.System, NullLogger<SqliteStorageBackend>.Instance);
        await backend.InitializeAsync(Ct);
        return backend;
    }

    private SqliteConnection OpenFreshConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private string? ReadPayloadFromFreshConnection(GrainId grain)
    {
        using var connection = OpenFreshConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = 'state'";
        command.Parameters.AddWithValue("$type", grain.Type.ToString());
        command.Parameters.AddWithValue("$key", grain.Key.ToString());
        return command.ExecuteScalar() is string json ? JsonDocument.Parse(json).RootElement.GetProperty("payload").GetString() : null;
    }
}
