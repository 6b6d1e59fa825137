using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.WorkerBench;

/// <summary>Starts a silo (unless one is given) and the worker processes, warms up, then runs one forEach of no-op worker
/// tasks and prints the throughput (tasks claimed and completed per second, from the run's start to its end on the
/// silo's clock) and the claim latency (task ready → claimed, both on the silo's clock) percentiles.</summary>
internal static class WorkerBenchmark
{
    public const string Queue = "bench";

    private const string Workflow = "bench-workers";

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var dataDir = Directory.CreateTempSubdirectory("worker-bench-");
        ChildProcess? silo = null;
        var workers = new List<ChildProcess>();
        try
        {
            var server = settings.Server;
            if (server is null)
            {
                server = new Uri($"http://127.0.0.1:{FreePort()}");
                silo = ChildProcess.Start(Path.Combine(AppContext.BaseDirectory, "Orchestrator.Silo.dll"), "--urls", server.ToString().TrimEnd('/'),
                    "--data-dir", dataDir.FullName, "--silo-port", Port(), "--gateway-port", Port());
            }

            using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
            await WaitHealthyAsync(http, silo);
            await PutWorkflowAsync(http);
            var self = Path.Combine(AppContext.BaseDirectory, "Orchestrator.WorkerBench.dll");
            for (var i = 1; i <= settings.Workers; i++)
            {
                workers.Add(ChildProcess.Start(self, "worker", "--server", server.ToString(), "--name", $"bench-{i}",
                    "--max", settings.MaxConcurrent.ToString(CultureInfo.InvariantCulture)));
            }

            await Task.WhenAll(workers.Select(w => w.Ready)).WaitAsync(TimeSpan.FromSeconds(60));
            Console.WriteLine($"{settings.Workers} worker processes × {settings.MaxConcurrent} tasks in hand, {Environment.ProcessorCount} cores");

            await RunTasksAsync(http, Math.Min(200, settings.Tasks));
            foreach (var worker in workers)
            {
                worker.Lines.Clear();
            }

            var (duration, status) = await RunTasksAsync(http, settings.Tasks);
            var latencies = Latencies(workers);
            Console.WriteLine($"run {status}: {settings.Tasks} tasks in {duration.TotalSeconds:0.00} s = {settings.Tasks / duration.TotalSeconds:0} tasks/s claimed and completed");
            Console.WriteLine($"claim latency (ready → claimed) with all {latencies.Length} queued at once: p50 {Percentile(latencies, 50):0.0} ms, " +
                $"p90 {Percentile(latencies, 90):0.0} ms, p99 {Percentile(latencies, 99):0.0} ms, max {Percentile(latencies, 100):0.0} ms");

            // Claim latency without a backlog: single tasks at a steady pace well below the throughput, so that each
            // finds workers waiting in their long poll.
            foreach (var worker in workers)
            {
                worker.Lines.Clear();
            }

            var paced = await RunPacedAsync(http, settings.PacedTasks, settings.PacedRate);
            var idle = Latencies(workers);
            Console.WriteLine($"claim latency at {settings.PacedRate} tasks/s, one task per run ({paced} runs completed): p50 {Percentile(idle, 50):0.0} ms, " +
                $"p90 {Percentile(idle, 90):0.0} ms, p99 {Percentile(idle, 99):0.0} ms, max {Percentile(idle, 100):0.0} ms");
            return status == "completed" && latencies.Length == settings.Tasks && paced == settings.PacedTasks ? 0 : 1;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Stop();
                worker.Dispose();
            }

            silo?.Dispose();
            dataDir.Delete(recursive: true);
        }
    }

    /// <summary>Runs one forEach of <paramref name="count"/> tasks to its end; its duration on the silo's clock.</summary>
    private static async Task<(TimeSpan Duration, string Status)> RunTasksAsync(HttpClient http, int count)
    {
        var input = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)i)]) };
        using var started = await http.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new JsonObject { ["workflow"] = Workflow, ["input"] = input });
        started.EnsureSuccessStatusCode();
        var runId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
        while (true)
        {
            var run = (await http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
            var status = run["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "cancelled")
            {
                var duration = run["finishedAt"]!.GetValue<DateTimeOffset>() - run["startedAt"]!.GetValue<DateTimeOffset>();
                return (duration, status);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Starts <paramref name="count"/> runs of one task each, <paramref name="rate"/> a second, and waits for them
    /// all; returns how many completed.</summary>
    private static async Task<int> RunPacedAsync(HttpClient http, int count, int rate)
    {
        var runs = new List<Task<(TimeSpan Duration, string Status)>>();
        var pace = TimeSpan.FromSeconds(1.0 / rate);
        var next = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            runs.Add(RunTasksAsync(http, 1));
            next += pace;
            if (next - DateTime.UtcNow is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }
        }

        return (await Task.WhenAll(runs)).Count(run => run.Status == "completed");
    }

    private static double[] Latencies(IEnumerable<ChildProcess> workers) =>
        [.. workers.SelectMany(w => w.Lines).Where(line => line.StartsWith("lat ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[4..], CultureInfo.InvariantCulture)).Order()];

    private static async Task PutWorkflowAsync(HttpClient http)
    {
        var definition = new JsonObject
        {
            ["name"] = Workflow,
            ["nodes"] = new JsonObject
            {
                ["work"] = new JsonObject
                {
                    ["type"] = "worker",
                    ["queue"] = Queue,
                    ["forEach"] = "input.items",
                    ["input"] = "${item}",
                },
            },
        };
        using var put = await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
    }

    private static async Task WaitHealthyAsync(HttpClient http, ChildProcess? silo)
    {
        for (var i = 0; i < 300; i++)
        {
            if (silo is { HasExited: true })
            {
                throw new InvalidOperationException($"the silo exited:\n{string.Join('\n', silo.Lines)}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the silo did not become healthy within a minute");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Port() => FreePort().ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
