using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>Three silo processes on PostgreSQL under a small steady load of runs, a loop pipeline joined by a queue and
/// an interval schedule. One silo is killed with SIGKILL, then another is stopped with SIGTERM; every run started still
/// completes, the pipeline's consumer handles every message once, in order, with one consumer registration, and the
/// schedule fires every due time once.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class SiloFailoverUnderLoadTests(PostgresClusterFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string Queue = "failover-readings";
    private static readonly TimeSpan LoadBefore = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan LoadAfterKill = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan LoadAfterStop = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartEvery = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan CompletionBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ScheduleEvery = TimeSpan.FromSeconds(1);
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
    public async Task RunsLoopsAndSchedulesCarryOn_WhenOneOfThreeSilosIsKilledAndAnotherStoppedUnderLoad()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("failover_load");
        _silos.AddRange(Enumerable.Range(1, 3).Select(i => ClusterSilo.Start(_workDir.Path, $"silo-{i}", connectionString, "failover-tests")));
        await Task.WhenAll(_silos.Select(silo => silo.WaitUntilHealthyAsync()));
        await _silos[2].WaitForSilosAsync(items => items.Count(s => s?["status"]?.GetValue<string>() == "running") == 3, TimeSpan.FromSeconds(60));
        await _silos[0].PutWorkflowAsync("""
            {"name": "failover", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "wait": {"type": "delay", "duration": "2s", "dependsOn": ["first"]},
              "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
            """);
        await _silos[0].PutWorkflowAsync("""
            {"name": "pipeline",
             "loops": {
               "source": {"producer": {"type": "interval", "every": "50ms"}, "chain": [{"node": "push"}]},
               "sink": {"producer": {"type": "queue", "queue": "QUEUE"}, "chain": [{"node": "keep"}]}},
             "nodes": {
               "push": {"type": "queue.push", "queue": "QUEUE", "value": "${iteration}"},
               "keep": {"type": "set", "values": {"last": "data"}}}}
            """.Replace("QUEUE", Queue, StringComparison.Ordinal));
        await _silos[0].PutWorkflowAsync("""{"name": "tick", "nodes": {"only": {"type": "noop"}}}""");
        var pipeline = await _silos[0].StartRunAsync("pipeline");
        var schedule = await _silos[1].PostAsync("/api/schedules", new { workflow = "tick", every = "1s", overlap = "allow" });
        var scheduleId = schedule["id"]!.GetValue<string>();

        var runs = new List<string>();
        await LoadAsync(_silos, LoadBefore, runs);

        var killedAt = DateTimeOffset.UtcNow;
        _silos[0].Process.Crash();
        var startedBeforeKill = runs.Count;
        await LoadAsync(_silos.Skip(1).ToList(), LoadAfterKill, runs);

        // The tuned failure detection declared no healthy silo dead under the load (a silo declared dead stops itself).
        Assert.False(_silos[1].Process.HasExited, _silos[1].Process.Error);
        Assert.False(_silos[2].Process.HasExited, _silos[2].Process.Error);
        var stoppedAt = DateTimeOffset.UtcNow;
        _silos[1].Process.Terminate();
        var startedBeforeStop = runs.Count;
        var last = _silos[2];
        await LoadAsync([last], LoadAfterStop, runs);
        Assert.Equal(0, await _silos[1].Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var finished = await WaitForRunsAsync(last, runs);
        var members = await last.WaitForSilosAsync(items => items.Any(m => m?["name"]?.GetValue<string>() == last.Name && m["status"]?.GetValue<string>() == "running"), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(members, m => m?["name"]?.GetValue<string>() != last.Name && m?["status"]?.GetValue<string>() == "running");
        await CheckPipelineAsync(last, pipeline);
        await CheckScheduleAsync(last, scheduleId, stoppedAt);

        var afterKill = finished.Values.Where(at => at > killedAt).Order().ToList();
        var inFlightAtKill = runs.Take(startedBeforeKill).Select(id => finished[id]).Where(at => at > killedAt).ToList();
        var inFlightAtStop = runs.Take(startedBeforeStop).Select(id => finished[id]).Where(at => at > stoppedAt).ToList();
        var summary = $"{runs.Count} runs ({startedBeforeKill} before the kill, {startedBeforeStop - startedBeforeKill} between the kill and the stop); " +
            $"SIGKILL: first completion after {(afterKill[0] - killedAt).TotalMilliseconds:0} ms, last run in flight at the kill after " +
            $"{(inFlightAtKill.Count > 0 ? (inFlightAtKill.Max() - killedAt).TotalMilliseconds : 0):0} ms; SIGTERM: last run in flight at the stop after " +
            $"{(inFlightAtStop.Count > 0 ? (inFlightAtStop.Max() - stoppedAt).TotalMilliseconds : 0):0} ms (its delay node waits 2,000 ms).";
        output.WriteLine(summary);
        Console.WriteLine(summary);
    }

    /// <summary>Every run completes with its state; returns when each finished.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> WaitForRunsAsync(ClusterSilo through, List<string> runs)
    {
        var finished = new Dictionary<string, DateTimeOffset>();
        var deadline = Stopwatch.StartNew();
        while (finished.Count < runs.Count && deadline.Elapsed < CompletionBound)
        {
            foreach (var runId in runs.Where(id => !finished.ContainsKey(id)).ToList())
            {
                var run = await TryGetAsync(through, $"/api/runs/{runId}");
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
        Assert.True(unfinished.Count == 0, $"{unfinished.Count} of {runs.Count} runs did not complete within {CompletionBound}: {string.Join(", ", unfinished.Take(5))}\n{through.Process.Error}");
        return finished;
    }

    /// <summary>With the producer paused, the one consumer of the queue catches up with every message pushed, none
    /// dead-lettered, and the consuming loop saw no error.</summary>
    private static async Task CheckPipelineAsync(ClusterSilo through, string runId)
    {
        await through.PostAsync($"/api/loops/{runId}:source/pause", new { });
        JsonObject? queue = null;
        long? previousProduced = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < CompletionBound)
        {
            queue = await TryGetAsync(through, $"/api/queues/{Queue}");
            var consumers = queue?["consumers"]?.AsArray();
            var produced = queue?["produced"]?.GetValue<long>();
            if (consumers is [{ } only] && produced > 0 && produced == previousProduced &&
                only["offset"]!.GetValue<long>() == produced && only["lag"]!.GetValue<long>() == 0)
            {
                break;
            }

            previousProduced = produced;
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var info = queue ?? throw new InvalidOperationException($"GET /api/queues/{Queue} never answered.");
        var consumer = Assert.Single(info["consumers"]!.AsArray());
        Assert.Equal($"loop:{runId}:sink", consumer!["consumer"]!.GetValue<string>());
        Assert.Equal(info["produced"]!.GetValue<long>(), consumer["offset"]!.GetValue<long>());
        Assert.Equal(0, consumer["lag"]!.GetValue<long>());
        Assert.Equal(0, info["deadLettered"]!.GetValue<long>());
        Assert.True(info["produced"]!.GetValue<long>() > 20, info.ToJsonString());
        var sink = await TryGetAsync(through, $"/api/loops/{runId}:sink");
        Assert.Equal(0, sink!["errors"]!.GetValue<long>());
    }

    /// <summary>Every due time from the first fire to the last was fired once: one execution that started a run, the
    /// run's id its own.</summary>
    private static async Task CheckScheduleAsync(ClusterSilo through, string scheduleId, DateTimeOffset stoppedAt)
    {
        // The schedule carries on on the survivor once Orleans has moved its reminder there: wait for a fire after the
        // stop before disabling it, so the check covers the move and does not race it.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var sofar = await TryGetArrayAsync(through, $"/api/schedules/{scheduleId}/executions?limit=500");
            if (sofar?.Any(e => e?["outcome"]?.GetValue<string>() == "started" && e["firedAt"]!.GetValue<DateTimeOffset>() > stoppedAt) == true)
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"the schedule did not fire on the survivor within 60 s of the stop: {sofar?.ToJsonString()}\n{through.Process.Output}\n{through.Process.Error}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        await through.PostAsync($"/api/schedules/{scheduleId}/disable", new { });
        var executions = (await TryGetArrayAsync(through, $"/api/schedules/{scheduleId}/executions?limit=500"))!;
        var started = executions.Select(e => e!.AsObject()).Where(e => e["outcome"]!.GetValue<string>() == "started").ToList();
        Assert.True(started.Count > 5, executions.ToJsonString());
        Assert.True(executions.All(e => e!["outcome"]!.GetValue<string>() is "started" or "skipped_disabled"), executions.ToJsonString());
        var byDueTime = started.GroupBy(e => e["scheduledFor"]!.GetValue<DateTimeOffset>()).OrderBy(g => g.Key).ToList();
        Assert.All(byDueTime, due => Assert.Single(due.Select(e => e["runId"]!.GetValue<string>()).Distinct()));
        for (var i = 1; i < byDueTime.Count; i++)
        {
            Assert.True(byDueTime[i].Key - byDueTime[i - 1].Key == ScheduleEvery,
                $"due times {byDueTime[i - 1].Key:O} and {byDueTime[i].Key:O} are not one interval apart: {executions.ToJsonString()}");
        }

        var runs = (await TryGetAsync(through, $"/api/runs?triggeredBy=schedule:{scheduleId}&limit=500"))!["items"]!.AsArray();
        Assert.Equal(byDueTime.Count, runs.Count);
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

    private static async Task<JsonObject?> TryGetAsync(ClusterSilo silo, string path) => await silo.TryGetAsync(path) as JsonObject;

    private static async Task<JsonArray?> TryGetArrayAsync(ClusterSilo silo, string path) => await silo.TryGetAsync(path) as JsonArray;
}
