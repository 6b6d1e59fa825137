using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task RunningRun_ContinuesAfterKill9AndRestart_WithoutRerunningCompletedNodes()
    {
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "data");
        var attemptsLog = Path.Combine(workDir.Path, "attempts.log");
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        // b's first attempt hangs until the silo dies; the next one finishes at once.
        var script = $"echo $ORCHESTRATOR_ATTEMPT >> '{attemptsLog}'; [ \"$ORCHESTRATOR_ATTEMPT\" -ge 2 ] || exec sleep 300";
        var definition = new JsonObject
        {
            ["name"] = "crash-test",
            ["nodes"] = new JsonObject
            {
                ["a"] = new JsonObject { ["type"] = "set", ["values"] = new JsonObject { ["a"] = "1" } },
                ["b"] = new JsonObject { ["type"] = "shell", ["command"] = new JsonArray("sh", "-c", script), ["dependsOn"] = new JsonArray("a") },
                ["c"] = new JsonObject { ["type"] = "set", ["values"] = new JsonObject { ["c"] = "state.a + 1" }, ["dependsOn"] = new JsonArray("b") },
            },
        };

        string runId;
        using (var first = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir))
        {
            await first.WaitUntilHealthyAsync(client);
            using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
            }

            using var start = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "crash-test" });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();

            // The shell node started: its first attempt wrote its number.
            await first.WaitForLinesAsync(attemptsLog, 1);
            first.Crash();
        }

        using var second = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir);
        await second.WaitUntilHealthyAsync(client);
        var run = await WaitForStatusAsync(client, runId, "completed", second);

        Assert.Equal(2, run["state"]!["c"]!.GetValue<double>());
        var events = (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/runs/{runId}/events?after=0", UriKind.Relative)))!;
        var started = events.Where(e => e!["type"]!.GetValue<string>() == "node.started")
            .Select(e => $"{e!["node"]}:{e["attempt"]}").ToList();
        Assert.Equal(["a:1", "b:1", "b:2", "c:1"], started);
        Assert.Contains(events, e => e!["type"]!.GetValue<string>() == "run.recovered");
        Assert.Equal(events.Select(e => e!["seq"]!.GetValue<long>()), Enumerable.Range(1, events.Count).Select(i => (long)i));
        Assert.Equal(["1", "2"], (await File.ReadAllLinesAsync(attemptsLog)).Select(l => l.Trim()));
    }

    /// <summary>Polls the run until it has <paramref name="status"/> (30 s at most); fails with the silo's output.</summary>
    internal static async Task<JsonObject> WaitForStatusAsync(HttpClient client, string runId, string status, SiloProcess silo)
    {
        JsonObject? run = null;
        for (var i = 0; i < 600; i++)
        {
            run = await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            if (run?["status"]?.GetValue<string>() == status)
            {
                return run;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"run {runId} never reached {status}: {run?.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}\n{silo.Output}");
        return null!;
    }
}
