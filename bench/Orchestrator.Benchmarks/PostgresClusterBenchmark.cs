using System.Globalization;
using Orchestrator.Testing.Postgres;

namespace Orchestrator.Benchmarks;

/// <summary>The cluster on PostgreSQL, in one run on a throwaway server started from the installed binaries (initdb,
/// fsync on): the server's single-client commit rate; silo processes under the HTTP load benchmark's scenarios, one
/// silo then three; grain calls from one silo to a grain on another; and how long a run on a silo killed with SIGKILL
/// takes to resume on a survivor.</summary>
/// <remarks>Usage: <c>postgres [seconds] [parts] [rounds] [scale]</c>: seconds per measured stretch of the commit and
/// call benchmarks (default 5); parts, comma-separated, of <c>commits,load,calls,takeover</c> (default all); rounds of
/// the load scenarios on each cluster size (default 1); the load benchmark's <c>--scale</c> (default 1; 0.1 for a
/// smoke test).</remarks>
internal static class PostgresClusterBenchmark
{
    private static readonly string[] AllParts = ["commits", "load", "calls", "takeover"];

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var parts = args.Length > 1 && args[1] != "all" ? args[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : AllParts;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var scale = args.Length > 3 ? args[3] : "1";
        if (parts.FirstOrDefault(p => !AllParts.Contains(p)) is { } unknown)
        {
            throw new ArgumentException($"postgres: unknown part '{unknown}' (parts: {string.Join(",", AllParts)})");
        }

        var duration = TimeSpan.FromSeconds(seconds);
        await using var server = await PostgresServer.StartAsync();
        Console.WriteLine($"PostgreSQL {server.MajorVersion} (throwaway, fsync on) on 127.0.0.1:{server.Port}; {Environment.ProcessorCount} cores; {LoadAverage()}");
        if (parts.Contains("commits"))
        {
            await PostgresCommitBenchmark.RunAsync(server, duration);
        }

        if (parts.Contains("load"))
        {
            await ClusterLoadBenchmark.RunAsync(server, rounds, scale);
        }

        if (parts.Contains("calls"))
        {
            await CrossSiloCallBenchmark.RunAsync(server, duration);
        }

        if (parts.Contains("takeover"))
        {
            await TakeoverBenchmark.RunAsync(server);
        }

        Console.WriteLine($"done; {LoadAverage()}");
    }

    /// <summary>The machine's load averages (1, 5, 15 minutes), so that a reader sees how quiet it was.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]}, {fields[1]}, {fields[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "load average unknown";
        }
    }

    /// <summary>A directory of its own under the system temp folder for silo processes, deleted by the caller.</summary>
    public static string NewWorkDirectory(string what)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"orchestrator-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Deletes a work directory; one left behind is not worth failing a benchmark for.</summary>
    public static void DeleteWorkDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public static double Percentile(double[] sorted, double percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
