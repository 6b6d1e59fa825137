using System.Diagnostics;
using Npgsql;
using Orchestrator.Testing.Postgres;

namespace Orchestrator.Benchmarks;

/// <summary>What one client gets from the server at most, one commit at a time: an INSERT of one row per transaction
/// (autocommit, a prepared statement) over one connection, back to back. Each commit waits for its WAL flush, so this
/// is the disk's flush rate as PostgreSQL sees it — the floor under every write the silos make without group
/// commit.</summary>
internal static class PostgresCommitBenchmark
{
    public static async Task RunAsync(PostgresServer server, TimeSpan duration)
    {
        var connectionString = await server.CreateDatabaseAsync("commits");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE commit_bench (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var settings = new List<string>();
        foreach (var setting in new[] { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes" })
        {
            await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
            settings.Add($"{setting} {await show.ExecuteScalarAsync()}");
        }

        await using var insert = new NpgsqlCommand("INSERT INTO commit_bench (payload) VALUES ($1)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = new string('x', 100) });
        await insert.PrepareAsync();

        // Warm-up: the prepared statement, the table's first pages.
        await CommitUntilAsync(insert, Stopwatch.GetTimestamp() + Stopwatch.Frequency, latencies: null);

        var latencies = new List<double>(100_000);
        var started = Stopwatch.GetTimestamp();
        var commits = await CommitUntilAsync(insert, started + (long)(duration.TotalSeconds * Stopwatch.Frequency), latencies);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sorted = latencies.Order().ToArray();
        Console.WriteLine($"single-client commits (one-row INSERT per transaction, Npgsql, {duration.TotalSeconds:0.#} s; {string.Join(", ", settings)}):");
        Console.WriteLine($"  {commits:N0} commits = {commits / elapsed.TotalSeconds:N0} commits/s, p50 {PostgresClusterBenchmark.Percentile(sorted, 50):0.000} ms, p99 {PostgresClusterBenchmark.Percentile(sorted, 99):0.000} ms, max {sorted[^1]:0.0} ms");
    }

    private static async Task<int> CommitUntilAsync(NpgsqlCommand insert, long deadline, List<double>? latencies)
    {
        var commits = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var start = Stopwatch.GetTimestamp();
            await insert.ExecuteNonQueryAsync();
            latencies?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            commits++;
        }

        return commits;
    }
}
