using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Workers;

/// <summary>Worker tasks across a silo crash: pending and claimed tasks are durable, and a claim whose heartbeat lapsed
/// while the silo was down is failed as worker lost and retried.</summary>
public sealed class WorkerCrashRecoveryTests
{
    [Fact]
    public async Task PendingAndClaimedTasks_SurviveKill9_AndTheClaimThatLapsedMeanwhileIsRetried()
    {
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "data");
        var url = new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}");
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var definition = new JsonObject
        {
            ["name"] = "workers-crash",
            ["nodes"] = new JsonObject
            {
                ["work"] = new JsonObject
                {
                    ["type"] = "worker",
                    ["queue"] = "crash",
                    ["heartbeatTimeout"] = "1s",
                    ["forEach"] = "[10, 20, 30]",
                    ["retry"] = new JsonObject { ["maxAttempts"] = 3, ["initialDelay"] = "100ms" },
                },
            },
        };

        string runId;
        string claimedTaskId;
        using (var first = SiloProcess.Start(workDir.Path, "--urls", url.ToString().TrimEnd('/'), "--data-dir", dataDir))
        {
            await first.WaitUntilHealthyAsync(client);
            using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            }

            using var start = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "workers-crash" });
            runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();

            // A worker claims one task and is never heard of again; the other two stay pending.
            using var claim = await client.PostAsJsonAsync(new Uri("/api/tasks/crash/claim", UriKind.Relative), new { worker = "vanished", wait = "20s" });
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
            claimedTaskId = (await claim.Content.ReadFromJsonAsync<JsonObject>())!["taskId"]!.GetValue<string>();
            for (var i = 0; i < 600 && (await QueueAsync(client))["pending"]!.GetValue<int>() < 2; i++)
            {
                await Task.Delay(50);
            }

            Assert.Equal(2, (await QueueAsync(client))["pending"]!.GetValue<int>());
            first.Crash();
        }

        using var second = SiloProcess.Start(workDir.Path, "--urls", url.ToString().TrimEnd('/'), "--data-dir", dataDir);
        await second.WaitUntilHealthyAsync(client);
        using var worker = WorkerProcess.Start(url, workDir.Path, "survivor", "crash", "echo");
        var silo = new RunWatcher(client, second);
        var run = await silo.WaitForEndAsync(runId);

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        var outputs = run["nodes"]!["work"]!["output"]!.AsArray();
        Assert.Equal([10, 20, 30], outputs.Select(o => o!["input"]!["item"]!.GetValue<int>()));
        Assert.All(outputs, o => Assert.Equal("survivor", o!["worker"]!.GetValue<string>()));
        Assert.Equal(3, worker.Lines("done").Count);
        var events = (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/runs/{runId}/events?after=0", UriKind.Relative)))!;
        var retry = Assert.Single(events, e => e!["type"]!.GetValue<string>() == "node.retry_scheduled");
        Assert.Contains("worker lost", retry!["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("vanished", retry["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        using var late = await client.PostAsJsonAsync(new Uri($"/api/tasks/{claimedTaskId}/complete", UriKind.Relative), new { output = 1 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    private static async Task<JsonObject> QueueAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>(new Uri("/api/tasks?queue=crash", UriKind.Relative)))!["items"]![0]!.AsObject();

    private sealed class RunWatcher(HttpClient client, SiloProcess silo)
    {
        public async Task<JsonObject> WaitForEndAsync(string runId)
        {
            JsonObject? run = null;
            for (var i = 0; i < 1200; i++)
            {
                run = await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative));
                if (run?["status"]?.GetValue<string>() is "completed" or "failed" or "cancelled")
                {
                    return run;
                }

                await Task.Delay(50);
            }

            Assert.Fail($"run {runId} never ended: {run}\n{silo.Output}");
            return null!;
        }
    }
}
