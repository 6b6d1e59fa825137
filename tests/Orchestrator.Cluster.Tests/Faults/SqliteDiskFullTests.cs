using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Processes;
using Orchestrator.Silo.Tests;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>A SQLite silo whose disk fills up: its data directory is a small tmpfs (<see cref="SmallDisk"/>), filled to
/// the last byte from outside, so that SQLite meets the operating system's real "no space left on device".</summary>
public sealed class SqliteDiskFullTests(ITestOutputHelper output) : IDisposable
{
    private const string Workflow = "fills-the-disk";

    // Each run carries 64 KB of input, so the write-ahead log outgrows what was free within a few hundred starts.
    private static readonly string Padding = new('x', 64 * 1024);
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task AFullDisk_IsADegradedHealthAnd503s_NotACrash_AndClearsWhenSpaceReturns()
    {
        const string name = "disk-full";
        var dataDir = ClusterSilo.DataDirectory(_workDir.Path, name);
        Directory.CreateDirectory(dataDir);
        var disk = await SmallDisk.MountAsync(dataDir, 32);
        _owned.Add(disk);
        var silo = ClusterSilo.StartSqliteUnder(_workDir.Path, name, disk.Wrapper);
        _owned.Add(silo);
        await silo.WaitUntilHealthyAsync();
        await silo.PutWorkflowAsync("""
            {"name": "fills-the-disk", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "wait": {"type": "delay", "duration": "1s", "dependsOn": ["first"]},
              "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
            """);

        // Runs under way when the disk fills: they wait a second, then have two more writes to make.
        var keys = new List<string>();
        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add($"under-way-{i}");
            using var started = await StartAsync(silo, keys[^1]);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            acknowledged.Add((await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>());
        }

        var filled = disk.Fill("filler");

        // Starts go on until the log needs a byte the disk does not have: from then on each is refused with a 503.
        HttpResponseMessage? refused = null;
        var clock = Stopwatch.StartNew();
        while (refused is null && keys.Count < 400)
        {
            var key = $"start-{keys.Count}";
            keys.Add(key);
            var response = await StartAsync(silo, key);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>());
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.True(refused is not null, $"{keys.Count} starts of 64 KB on a full disk were all accepted");
        using (refused)
        {
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"a start on a full disk: {(int)refused.StatusCode} {problem}");
            Assert.Contains("Storage unavailable", problem, StringComparison.Ordinal);
            Assert.Contains("full", problem, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        var fullAfter = clock.ElapsedMilliseconds;
        var acceptedWhileFull = acknowledged.Count - 5;
        var health = await HealthAsync(silo);
        Assert.True(health.Status == HttpStatusCode.ServiceUnavailable && health.Body?["status"]?.GetValue<string>() == "degraded",
            $"health on a full disk: {(int)health.Status} {health.Body?.ToJsonString()}");
        Assert.Contains("full", health.Body!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // A few seconds on a full disk, with runs wanting to write: the silo stays up and keeps refusing.
        await Task.Delay(TimeSpan.FromSeconds(3));
        using (var again = await StartAsync(silo, "while-full"))
        {
            keys.Add("while-full");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        }

        Assert.False(silo.Process.HasExited, silo.Process.Error);

        // The runs under way met the full disk too: their next write failed and they are being woken to try again.
        var underWay = acknowledged.Take(5).ToList();
        Assert.Contains(silo.Process.Output.Split('\n'), line =>
            line.Contains("could not be activated again", StringComparison.Ordinal) && underWay.Any(id => line.Contains(id, StringComparison.Ordinal)));

        // Restarted on the full disk (a service manager's answer to trouble), the silo starts and stays up: it
        // reads what is stored, and what it cannot write it refuses or tries again later.
        silo.Process.Terminate();
        Assert.Equal(0, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        silo = silo.StartAgain();
        _owned.Add(silo);
        await WaitUntilAnsweringAsync(silo);
        using (var afterRestart = await StartAsync(silo, "after-restart"))
        {
            keys.Add("after-restart");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, afterRestart.StatusCode);
        }

        var healthAfterRestart = await HealthAsync(silo);
        Assert.True(healthAfterRestart.Body?["status"]?.GetValue<string>() == "degraded", $"health after a restart on a full disk: {healthAfterRestart.Body?.ToJsonString()}");

        var listedWhileFull = await silo.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs?workflow={Workflow}&limit=500", UriKind.Relative));
        Assert.Equal(acknowledged.Count, listedWhileFull!["items"]!.AsArray().Count);
        Assert.False(silo.Process.HasExited, silo.Process.Error);

        // Space returns: the silo is healthy again without a restart, and the refused starts, asked again under
        // their keys, start once each.
        File.Delete(disk.Outside("filler"));
        var recovered = Stopwatch.StartNew();
        while ((await HealthAsync(silo)).Status != HttpStatusCode.OK)
        {
            Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(45), $"not healthy 45 s after space returned: {(await HealthAsync(silo)).Body?.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var healthyAfter = recovered.ElapsedMilliseconds;
        foreach (var key in keys.Skip(acknowledged.Count))
        {
            using var retried = await StartAsync(silo, key);
            Assert.True(retried.StatusCode == HttpStatusCode.Accepted, $"{key} asked again after space returned: {(int)retried.StatusCode} {await retried.Content.ReadAsStringAsync()}");
            acknowledged.Add((await retried.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>());
        }

        // Every acknowledged run completes, the ones that were under way when the disk filled included, and there is
        // exactly one run per key: a refused start left nothing behind.
        foreach (var runId in acknowledged)
        {
            await WaitForCompletionAsync(silo, runId);
        }

        var listed = await silo.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs?workflow={Workflow}&limit=500", UriKind.Relative));
        Assert.Equal(keys.Count, listed!["items"]!.AsArray().Count);
        Assert.Equal(keys.Count, acknowledged.Distinct(StringComparer.Ordinal).Count());
        Assert.False(silo.Process.HasExited, silo.Process.Error);
        output.WriteLine(
            $"Filled {filled / (1024 * 1024)} MB with 5 runs under way; {acceptedWhileFull} more starts accepted, then refused after {fullAfter} ms; " +
            $"healthy {healthyAfter} ms after space returned; all {acknowledged.Count} runs completed.");
    }

    /// <summary>Waits (up to 60 s) until the silo answers its health check, whatever it says; fails if it exits.</summary>
    private static async Task WaitUntilAnsweringAsync(ClusterSilo silo)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(silo.Process.HasExited, $"the silo exited when started on a full disk:\n{silo.Process.Output}\n{silo.Process.Error}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the silo did not answer within 60 s of starting on a full disk");
            try
            {
                using var response = await silo.Http.GetAsync(new Uri("/api/health", UriKind.Relative));
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static Task<HttpResponseMessage> StartAsync(ClusterSilo silo, string key) =>
        silo.Http.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = Workflow, idempotencyKey = key, input = new { pad = Padding } });

    private static async Task<(HttpStatusCode Status, JsonObject? Body)> HealthAsync(ClusterSilo silo)
    {
        using var response = await silo.Http.GetAsync(new Uri("/api/health", UriKind.Relative));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }

    private static async Task WaitForCompletionAsync(ClusterSilo silo, string runId)
    {
        var clock = Stopwatch.StartNew();
        string? status = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var run = await silo.TryGetAsync($"/api/runs/{runId}");
            status = run?["status"]?.GetValue<string>();
            if (status == "completed")
            {
                Assert.Equal(2, run!["state"]!["n"]!.GetValue<double>());
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Assert.Fail($"run {runId} is {status ?? "unreadable"} 60 s after space returned");
    }
}
