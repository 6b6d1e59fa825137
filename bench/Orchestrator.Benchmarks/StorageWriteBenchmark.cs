using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Streams;
using Orleans.Storage;
using Orchestrator.Providers.Sqlite;

namespace Orchestrator.Benchmarks;

/// <summary>Persisted grain writes per second on SQLite, with group commit and with one commit per write. Each of 64
/// writers owns one grain and writes its state over and over (ETag-checked, like a grain persisting after each turn),
/// for a fixed time per mode.</summary>
/// <remarks>Usage: <c>storage [seconds-per-mode] [directory]</c>; the directory defaults to the system temp folder and
/// should be on the disk under test (a RAM disk makes every commit free and the comparison meaningless).</remarks>
internal static class StorageWriteBenchmark
{
    private const int Writers = 64;

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var root = args.Length > 1 ? args[1] : Path.GetTempPath();
        var directory = Path.Combine(root, $"orchestrator-bench-{Guid.NewGuid():N}");
        var duration = TimeSpan.FromSeconds(seconds);
        var payload = $"{{\"status\":\"running\",\"iteration\":0,\"data\":\"{new string('x', 240)}\"}}";

        Console.WriteLine($"storage: SQLite grain writes, {Writers} concurrent writers, {duration.TotalSeconds:0.#} s per mode, in {directory}");
        try
        {
            var grouped = await MeasureAsync(Path.Combine(directory, "group.db"), groupCommit: true, duration, payload);
            Print("group commit", grouped);
            var single = await MeasureAsync(Path.Combine(directory, "single.db"), groupCommit: false, duration, payload);
            Print("commit per write", single);
            Console.WriteLine($"  ratio (group / per write): {grouped.WritesPerSecond / single.WritesPerSecond:0.0}x");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<Result> MeasureAsync(string path, bool groupCommit, TimeSpan duration, string payload)
    {
        await using var backend = new SqliteStorageBackend(
            new SqliteStorageOptions(path, GroupCommit: groupCommit), TimeProvider.System, NullLogger<SqliteStorageBackend>.Instance);
        await backend.InitializeAsync(CancellationToken.None);
        var grains = Enumerable.Range(0, Writers).Select(i => GrainId.Create("bench", $"grain-{i:00}")).ToArray();
        var etags = await Task.WhenAll(grains.Select(async grain =>
        {
            var state = new GrainState<BenchState>(new BenchState { Payload = payload });
            await backend.Grains.WriteStateAsync("state", grain, state);
            return state.ETag!;
        }));

        var transactionsBefore = backend.Commits.Transactions;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = await Task.WhenAll(grains.Select((grain, i) => WriteUntilAsync(backend.Grains, grain, etags[i], payload, deadline)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var transactions = backend.Commits.Transactions - transactionsBefore;

        var all = latencies.SelectMany(list => list).Order().ToArray();
        return new Result(
            all.Length,
            all.Length / elapsed.TotalSeconds,
            Percentile(all, 0.50),
            Percentile(all, 0.99),
            (double)all.Length / Math.Max(1, transactions));
    }

    private static async Task<List<double>> WriteUntilAsync(IGrainStorage storage, GrainId grain, string etag, string payload, long deadline)
    {
        await Task.Yield();
        var latencies = new List<double>();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var start = Stopwatch.GetTimestamp();
            var state = new GrainState<BenchState>(new BenchState { Payload = payload }, etag);
            await storage.WriteStateAsync("state", grain, state);
            etag = state.ETag!;
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return latencies;
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];

    private static void Print(string mode, Result result) =>
        Console.WriteLine(
            $"  {mode,-17} {result.Writes,8} writes  {result.WritesPerSecond,9:0} writes/s  p50 {result.P50Milliseconds,7:0.00} ms  " +
            $"p99 {result.P99Milliseconds,7:0.00} ms  {result.WritesPerTransaction,6:0.0} writes/transaction");

    private sealed record Result(int Writes, double WritesPerSecond, double P50Milliseconds, double P99Milliseconds, double WritesPerTransaction);
}

/// <summary>The state the storage benchmark writes: one payload, stored as JSON.</summary>
public sealed class BenchState
{
    public string Payload { get; set; } = "";
}
