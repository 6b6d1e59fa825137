using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Workers;

/// <summary>Remote workers as real child processes (<c>tests/Orchestrator.TestWorker</c>, on the worker SDK) against a
/// real silo process: tasks shared out and each done once, a worker killed mid-task, a worker that fails its task.</summary>
public sealed class RemoteWorkerTests(WorkerSilo silo) : IClassFixture<WorkerSilo>
{
    [Fact]
    public async Task ThreeWorkers_ShareThreeHundredTasks_EachDoneOnceAndNoneLost()
    {
        await silo.PutWorkflowAsync(Workflow("workers-share", "share", new JsonObject
        {
            ["forEach"] = "state.numbers",
            ["input"] = new JsonObject { ["n"] = "${item}" },
        }));
        var workers = Enumerable.Range(1, 3).Select(i => WorkerProcess.Start(silo.Url, silo.Directory, $"share-{i}", "share", "echo")).ToList();
        try
        {
            foreach (var worker in workers)
            {
                await worker.WaitForLineAsync("ready");
            }

            var runId = await silo.StartRunAsync("workers-share", new JsonObject { ["numbers"] = new JsonArray([.. Enumerable.Range(0, 300).Select(n => (JsonNode)n)]) });
            var run = await silo.WaitForEndAsync(runId);

            Assert.Equal("completed", run["status"]!.GetValue<string>());
            var outputs = run["nodes"]!["work"]!["output"]!.AsArray();
            Assert.Equal(300, outputs.Count);
            Assert.All(outputs.Select((output, index) => (output, index)), pair =>
            {
                Assert.Equal(pair.index, pair.output!["input"]!["n"]!.GetValue<int>());
                Assert.Equal(pair.index, pair.output["input"]!["itemIndex"]!.GetValue<int>());
            });
            var done = workers.SelectMany(w => w.Lines("done")).ToList();
            Assert.Equal(300, done.Count);
            Assert.Equal(300, done.Distinct(StringComparer.Ordinal).Count());
            Assert.All(workers, worker => Assert.NotEmpty(worker.Lines("done")));
            Assert.Equal(300, outputs.Select(o => o!["worker"]!.GetValue<string>()).Count(name => name.StartsWith("share-", StringComparison.Ordinal)));
            var events = await silo.EventsAsync(runId);
            Assert.DoesNotContain(events, e => e!["type"]!.GetValue<string>() == "node.retry_scheduled");
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task KilledWorker_TaskIsRetriedElsewhereAfterItsHeartbeatTimeout_AndTheDeadClaimsCompletionIsRefused()
    {
        await silo.PutWorkflowAsync(Workflow("workers-kill", "kill", new JsonObject
        {
            ["heartbeatTimeout"] = "2s",
            ["input"] = new JsonObject { ["job"] = "${state.job}" },
        }));
        using var doomed = WorkerProcess.Start(silo.Url, silo.Directory, "doomed", "kill", "hang", maxConcurrent: 1);
        await doomed.WaitForLineAsync("ready");
        var runId = await silo.StartRunAsync("workers-kill", new JsonObject { ["job"] = "resize" });
        var deadTaskId = (await doomed.WaitForLineAsync("started")).Split(' ')[0];

        using var rescuer = WorkerProcess.Start(silo.Url, silo.Directory, "rescuer", "kill", "echo", maxConcurrent: 1);
        await rescuer.WaitForLineAsync("ready");
        doomed.Kill();
        var run = await silo.WaitForEndAsync(runId);

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        var node = run["nodes"]!["work"]!;
        Assert.Equal(2, node["attempts"]!.GetValue<int>());
        Assert.Equal("rescuer", node["output"]!["worker"]!.GetValue<string>());
        Assert.Equal("resize", node["output"]!["input"]!["job"]!.GetValue<string>());
        var events = await silo.EventsAsync(runId);
        var retry = Assert.Single(events, e => e!["type"]!.GetValue<string>() == "node.retry_scheduled");
        Assert.Contains("worker lost", retry!["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("doomed", retry["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // The dead worker's claim, reported late: refused, and nothing changes.
        using var late = await silo.Client.PostAsJsonAsync(new Uri($"/api/tasks/{deadTaskId}/complete", UriKind.Relative),
            new JsonObject { ["output"] = new JsonObject { ["worker"] = "ghost" } });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var problem = await late.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(deadTaskId, problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = await silo.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative));
        Assert.Equal("rescuer", after!["nodes"]!["work"]!["output"]!["worker"]!.GetValue<string>());
        Assert.Equal(events.Count, (await silo.EventsAsync(runId)).Count);
    }

    [Fact]
    public async Task FailingWorker_IsRetriedByThePolicy_ThenTheNodeFailsWithAnErrorRecord()
    {
        await silo.PutWorkflowAsync(Workflow("workers-fail", "fail", new JsonObject()));
        using var worker = WorkerProcess.Start(silo.Url, silo.Directory, "refuser", "fail", "fail");
        await worker.WaitForLineAsync("ready");
        var runId = await silo.StartRunAsync("workers-fail");
        var run = await silo.WaitForEndAsync(runId);

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        var node = run["nodes"]!["work"]!;
        Assert.Equal("failed", node["status"]!.GetValue<string>());
        Assert.Equal(3, node["attempts"]!.GetValue<int>());
        Assert.Contains("refuser refuses", node["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, worker.Lines("started").Count);
        var events = await silo.EventsAsync(runId);
        Assert.Equal(2, events.Count(e => e!["type"]!.GetValue<string>() == "node.retry_scheduled"));
        var errors = await silo.Client.GetFromJsonAsync<JsonObject>(new Uri("/api/errors?workflow=workers-fail", UriKind.Relative));
        var record = Assert.Single(errors!["items"]!.AsArray());
        Assert.Equal(runId, record!["runId"]!.GetValue<string>());
        Assert.Equal("unresolved", record["recoveryStatus"]!.GetValue<string>());
        var detail = await silo.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/errors/{record["id"]!.GetValue<string>()}", UriKind.Relative));
        Assert.Contains("refuser refuses", detail!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, detail["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task SampleWorkerService_ProcessesTheDagSamplesTasks()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root!.FullName, "Orleans.Orchestrator.sln")))
        {
            root = root.Parent;
        }

        using (var put = await silo.Client.PostAsync(new Uri("/api/workflows", UriKind.Relative),
            new StringContent(await File.ReadAllTextAsync(Path.Combine(root.FullName, "samples", "dag-workers.yaml")), System.Text.Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using var worker = WorkerProcess.StartSample(silo.Url, "sample");
        var runId = await silo.StartRunAsync("dag-workers", new JsonObject { ["numbers"] = new JsonArray(2, 3, 4) });
        var run = await silo.WaitForEndAsync(runId);

        Assert.True(run["status"]!.GetValue<string>() == "completed", $"{run}\n{worker.Output}");
        Assert.Equal([4.0, 9.0, 16.0], run["nodes"]!["square"]!["output"]!.AsArray().Select(o => o!["square"]!.GetValue<double>()));
        Assert.Equal((3, 29.0), (run["state"]!["count"]!.GetValue<int>(), run["state"]!["total"]!.GetValue<double>()));
    }

    /// <summary>One <c>worker</c> node named <c>work</c> on <paramref name="queue"/>, retried 3 times 100 ms apart.</summary>
    private static JsonObject Workflow(string name, string queue, JsonObject settings)
    {
        var node = new JsonObject
        {
            ["type"] = "worker",
            ["queue"] = queue,
            ["retry"] = new JsonObject { ["maxAttempts"] = 3, ["initialDelay"] = "100ms", ["maxDelay"] = "1s" },
        };
        foreach (var (key, value) in settings)
        {
            node[key] = value?.DeepClone();
        }

        return new JsonObject { ["name"] = name, ["nodes"] = new JsonObject { ["work"] = node } };
    }
}
