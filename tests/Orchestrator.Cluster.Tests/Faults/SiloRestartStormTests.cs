using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Processes;
using Orchestrator.Silo.Tests;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>A hundred silo restarts in a row on one PostgreSQL cluster of two silos, half by SIGTERM and half by SIGKILL,
/// 0.2–2 s apart (each comes back on its own address, as a service manager restarts it), with a loop pipeline and a
/// 1 s schedule defined: no due time fires twice, none is lost (each fires or is recorded as a misfire skip), both
/// loops run at the end, and the queue has one consumer, the running sink.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class SiloRestartStormTests(PostgresClusterFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string Queue = "storm-readings";
    private static readonly int Restarts = 100 * Soak.Scale;
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _all = [];

    public void Dispose()
    {
        foreach (var silo in _all)
        {
            silo.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task SchedulesLoopsAndQueuesComeThrough_AHundredRestartsInARow()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("storm");
        var current = new ClusterSilo[2];
        for (var i = 0; i < current.Length; i++)
        {
            var ports = new[] { SiloProcess.FreePort(), SiloProcess.FreePort() }.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            current[i] = ClusterSilo.Start(_workDir.Path, $"storm-{i}", connectionString, "storm-tests", "--silo-port", ports[0], "--gateway-port", ports[1]);
            _all.Add(current[i]);
        }

        await Task.WhenAll(current.Select(silo => silo.WaitUntilHealthyAsync()));
        var first = current[0];
        await first.PutWorkflowAsync("""
            {"name": "storm-pipeline",
             "loops": {
               "source": {"producer": {"type": "interval", "every": "200ms"}, "chain": [{"node": "push"}]},
               "sink": {"producer": {"type": "queue", "queue": "QUEUE"}, "chain": [{"node": "keep"}]}},
             "nodes": {
               "push": {"type": "queue.push", "queue": "QUEUE", "value": "${iteration}"},
               "keep": {"type": "set", "values": {"last": "data"}}}}
            """.Replace("QUEUE", Queue, StringComparison.Ordinal));
        await first.PutWorkflowAsync("""{"name": "storm-tick", "nodes": {"only": {"type": "noop"}}}""");
        var pipeline = await first.StartRunAsync("storm-pipeline");
        var scheduleId = (await first.PostAsync("/api/schedules", new { workflow = "storm-tick", every = "1s", overlap = "allow" }))["id"]!.GetValue<string>();

        var random = new Random(20);
        var storm = Stopwatch.StartNew();
        for (var restart = 1; restart <= Restarts; restart++)
        {
            // A silo comes back on its own address, as a service manager restarts it: a stopped one once it has exited
            // (its ports are free again), a killed one at once.
            var slot = random.Next(current.Length);
            if (current[slot].Process.HasExited)
            {
                // Nothing but this test stops a silo: one that exited by itself is a failure, told with its last words.
                var process = current[slot].Process;
                Assert.Fail($"{current[slot].Name} exited by itself with {process.ExitCode} before restart {restart}:\n{Tail(process.Output)}\n{Tail(process.Error)}");
            }

            if (restart % 2 == 0)
            {
                current[slot].Process.Terminate();
                await current[slot].Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
            else
            {
                current[slot].Process.Crash();
            }

            current[slot] = current[slot].StartAgain();
            _all.Add(current[slot]);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 2_001)));
        }

        var stormTook = storm.Elapsed;
        await Task.WhenAll(current.Select(silo => silo.WaitUntilHealthyAsync()));
        var last = current[0];
        await last.WaitForSilosAsync(items => items.Count(s => s?["status"]?.GetValue<string>() == "running") == 2, TimeSpan.FromSeconds(60));

        var loops = await CheckLoopsAsync(last, pipeline);
        var schedule = await CheckScheduleAsync(last, scheduleId);
        var line = $"{Restarts} restarts in {stormTook.TotalSeconds:0} s; {loops}; {schedule}";
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    /// <summary>Both loops come back running; with the source paused the sink catches up, the queue's only consumer.</summary>
    private static async Task<string> CheckLoopsAsync(ClusterSilo silo, string runId)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var source = await TryGetAsync(silo, $"/api/loops/{runId}:source");
            var sink = await TryGetAsync(silo, $"/api/loops/{runId}:sink");
            if (source?["state"]?.GetValue<string>() == "running" && sink?["state"]?.GetValue<string>() == "running")
            {
                break;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"loops not running 60 s after the storm: {source?.ToJsonString()} {sink?.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        await silo.PostAsync($"/api/loops/{runId}:source/pause", new { });
        JsonObject? queue = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            queue = await TryGetAsync(silo, $"/api/queues/{Queue}");
            if (queue?["consumers"]?.AsArray() is [{ } only] && only["lag"]!.GetValue<long>() == 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        var consumer = Assert.Single(queue!["consumers"]!.AsArray());
        Assert.Equal($"loop:{runId}:sink", consumer!["consumer"]!.GetValue<string>());
        Assert.Equal(0, consumer["lag"]!.GetValue<long>());
        Assert.Equal(0, queue["deadLettered"]!.GetValue<long>());
        return $"both loops running, the queue's one consumer caught up with {queue["produced"]} messages";
    }

    /// <summary>After a fire following the storm: every due time from the first fire to the last is accounted for once
    /// (<see cref="ScheduleAccounting"/>).</summary>
    private static async Task<string> CheckScheduleAsync(ClusterSilo silo, string scheduleId)
    {
        var after = DateTimeOffset.UtcNow;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var sofar = await TryGetAsync(silo, $"/api/schedules/{scheduleId}");
            if (sofar?["lastFireAt"]?.GetValue<DateTimeOffset>() > after)
            {
                break;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"the schedule did not fire within 60 s of the storm: {sofar?.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        await silo.PostAsync($"/api/schedules/{scheduleId}/disable", new { });
        return await ScheduleAccounting.CheckAsync(silo, scheduleId, atLeast: 1, countRuns: false);
    }

    private static async Task<JsonObject?> TryGetAsync(ClusterSilo silo, string path) => await silo.TryGetAsync(path) as JsonObject;

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}
