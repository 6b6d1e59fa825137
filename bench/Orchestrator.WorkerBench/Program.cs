using System.Globalization;
using Orchestrator.WorkerBench;

// dotnet run -c Release --project bench/Orchestrator.WorkerBench -- [--tasks 1000] [--workers 4] [--max 8] [--paced 200]
//     [--rate 20] [--server URL]
// With no --server it starts a silo of its own on SQLite in a temporary folder. `worker` runs one worker process (the
// benchmark starts them itself).
if (args is ["worker", ..])
{
    return await BenchWorker.RunAsync(args[1..]);
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int Number(string name, int fallback) => Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

var settings = new BenchSettings(
    Tasks: Number("--tasks", 1000),
    Workers: Number("--workers", 4),
    MaxConcurrent: Number("--max", 8),
    Server: Option("--server") is { } server ? new Uri(server) : null,
    PacedTasks: Number("--paced", 200),
    PacedRate: Number("--rate", 20));
return await WorkerBenchmark.RunAsync(settings);
