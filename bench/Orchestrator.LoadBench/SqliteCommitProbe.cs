using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Orchestrator.LoadBench;

/// <summary>The reference the silo's throughput is set against: how many single-row transactions SQLite commits per
/// second on this disk, in the mode the silo's storage uses (WAL, <c>synchronous=FULL</c>: every commit synced),
/// through one connection, one small <c>INSERT</c> per autocommit transaction. Measured in a throwaway file that is
/// deleted afterwards.</summary>
internal static class SqliteCommitProbe
{
    /// <summary>What one measurement gave: commits, over how long, and each commit's latency (ms, sorted).</summary>
    public sealed record Result(string Path, int Commits, TimeSpan Elapsed, double[] Latencies)
    {
        public double CommitsPerSecond => Elapsed > TimeSpan.Zero ? Commits / Elapsed.TotalSeconds : 0;
    }

    public static Result Measure(string directory, TimeSpan duration)
    {
        var path = System.IO.Path.Combine(directory, $"loadbench-commit-{Guid.NewGuid():N}.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE commits (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, payload TEXT NOT NULL);";
                setup.ExecuteNonQuery();
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO commits (at, payload) VALUES ($at, 'loadbench commit probe')";
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            insert.Prepare();
            var latencies = new List<double>(capacity: 1 << 16);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                at.Value = started;
                insert.ExecuteNonQuery();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var elapsed = clock.Elapsed;
            latencies.Sort();
            return new Result(path, latencies.Count, elapsed, [.. latencies]);
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
