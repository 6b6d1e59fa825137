using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>Three silo processes on PostgreSQL under a small steady load of runs; one is killed with SIGKILL and every
/// run started still completes, through the survivors.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class SiloFailoverUnderLoadTests(PostgresClusterFixture postgres, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan LoadBefore = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan LoadAfter = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan StartEvery = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan CompletionBound = TimeSpan.FromSeconds(30);
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _silos = [];

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task EveryRunCompletes_WhenOneOfThreeSilosIsKilledUnderLoad()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("failover_load");
        _silos.AddRange(Enumerable.Range(1, 3).Select(i => ClusterSilo.Start(_workDir.Path, $"silo-{i}", connectionString, "failover-tests")));
        await Task.WhenAll(_silos.Select(silo => silo.WaitUntilHealthyAsync()));
        await _silos[2].WaitForSilosAsync(items => items.Count(s => s?["status"]?.GetValue<string>() == "running") == 3, TimeSpan.FromSeconds(60));
        using (var put = await _silos[0].Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent("""
            {"name": "failover", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "wait": {"type": "delay", "duration": "2s", "dependsOn": ["first"]},
              "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var runs = new List<string>();
        var victim = _silos[0];
        var survivors = _silos.Skip(1).ToList();
        await LoadAsync(_silos, LoadBefore, runs);
        var killedAt = DateTimeOffset.UtcNow;
        victim.Process.Crash();
        var startedBeforeKill = runs.Count;
        await LoadAsync(survivors, LoadAfter, runs);

        var finished = new Dictionary<string, DateTimeOffset>();
        var deadline = Stopwatch.StartNew();
        while (finished.Count < runs.Count && deadline.Elapsed < CompletionBound)
        {
            foreach (var runId in runs.Where(id => !finished.ContainsKey(id)).ToList())
            {
                var run = await TryGetAsync(survivors[finished.Count % survivors.Count], runId);
                var status = run?["status"]?.GetValue<string>();
                Assert.True(status is null or "pending" or "running" or "completed", $"{runId}: {run?.ToJsonString()}");
                if (status == "completed")
                {
                    Assert.Equal(2, run!["state"]!["n"]!.GetValue<double>());
                    finished[runId] = run["finishedAt"]!.GetValue<DateTimeOffset>();
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var unfinished = runs.Where(id => !finished.ContainsKey(id)).ToList();
        Assert.True(unfinished.Count == 0, $"{unfinished.Count} of {runs.Count} runs did not complete within {CompletionBound}: {string.Join(", ", unfinished.Take(5))}");
        var afterKill = finished.Values.Where(at => at > killedAt).Order().ToList();
        var inFlight = runs.Take(startedBeforeKill).Where(id => finished[id] > killedAt).Select(id => finished[id]).ToList();
        var summary = $"{runs.Count} runs ({startedBeforeKill} before the kill, {inFlight.Count} of them finished after it); " +
            $"kill to first completion {(afterKill[0] - killedAt).TotalMilliseconds:0} ms, " +
            $"to the last run in flight at the kill {(inFlight.Count > 0 ? (inFlight.Max() - killedAt).TotalMilliseconds : 0):0} ms.";
        output.WriteLine(summary);
        Console.WriteLine(summary);
    }

    /// <summary>Starts a run every <see cref="StartEvery"/> for <paramref name="duration"/>, round robin over
    /// <paramref name="through"/>; a start that fails is retried with the same idempotency key on the next silo.</summary>
    private static async Task LoadAsync(List<ClusterSilo> through, TimeSpan duration, List<string> runs)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var key = Guid.NewGuid().ToString("N");
            string? runId = null;
            for (var attempt = 0; runId is null && attempt < 20; attempt++)
            {
                var silo = through[(runs.Count + attempt) % through.Count];
                try
                {
                    using var start = await silo.Http.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "failover", idempotencyKey = key });
                    if (start.IsSuccessStatusCode)
                    {
                        runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (runId is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                }
            }

            runs.Add(runId ?? throw new InvalidOperationException("A run could not be started through any silo."));
            await Task.Delay(StartEvery);
        }
    }

    private static async Task<JsonObject?> TryGetAsync(ClusterSilo silo, string runId)
    {
        try
        {
            using var response = await silo.Http.GetAsync(new Uri($"/api/runs/{runId}", UriKind.Relative));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
