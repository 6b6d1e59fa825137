using System.Diagnostics;
using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>The task routes over real HTTP, with the test itself as the worker.</summary>
[Collection(RestHostGroup.Name)]
public sealed class TasksApiTests(RestApiHost host)
{
    private static string OneTask(string name, string queue, string forEach = "") => $$"""
        name: {{name}}
        nodes:
          work:
            type: worker
            queue: {{queue}}
            heartbeatTimeout: 30s
            input: { job: "${input.job}" }
            {{forEach}}
        """;

    [Fact]
    public async Task Claim_RefusesBadInput_WithAProblemNamingTheField()
    {
        var (tooLong, tooLongBody) = await host.PostJsonAsync("/api/tasks/anything/claim", new { worker = "w", wait = "61s" });
        var (noWorker, noWorkerBody) = await host.PostJsonAsync("/api/tasks/anything/claim", new { wait = "1s" });
        var (badQueue, badQueueBody) = await host.PostJsonAsync("/api/tasks/Not%20A%20Queue/claim", new { worker = "w" });
        var (badWait, badWaitBody) = await host.PostJsonAsync("/api/tasks/anything/claim", new { worker = "w", wait = "soon" });
        var (unknown, _) = await host.PostJsonAsync("/api/tasks/anything:999/complete", new { output = 1 });
        var (notATask, _) = await host.PostJsonAsync("/api/tasks/not-a-task/heartbeat", new { });
        var (noError, noErrorBody) = await host.PostJsonAsync("/api/tasks/anything:1/fail", new { });

        Assert.Equal((HttpStatusCode.BadRequest, "wait"), (tooLong, tooLongBody.GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "worker"), (noWorker, noWorkerBody.GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "queue"), (badQueue, badQueueBody.GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "wait"), (badWait, badWaitBody.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.NotFound, notATask);
        Assert.Equal((HttpStatusCode.BadRequest, "error"), (noError, noErrorBody.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task Claim_WaitsForATaskQueuedMeanwhile_AndItsCompletionBecomesTheNodesOutput()
    {
        var name = UniqueName("tasks-claim");
        var queue = UniqueName("claim");
        await host.PutWorkflowAsync(OneTask(name, queue));
        var (empty, _) = await host.PostJsonAsync($"/api/tasks/{queue}/claim", new { worker = "tester", wait = "200ms" });

        var waited = Stopwatch.StartNew();
        var claiming = host.PostJsonAsync($"/api/tasks/{queue}/claim", new { worker = "tester", wait = "30s" });
        var runId = await host.StartRunAsync(name, new { job = "resize" });
        var (claimed, claim) = await claiming;
        waited.Stop();

        Assert.Equal(HttpStatusCode.NoContent, empty);
        Assert.Equal(HttpStatusCode.OK, claimed);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(25), $"the claim waited {waited.Elapsed} for a task queued at once");
        var taskId = claim.GetProperty("taskId").GetString()!;
        Assert.Equal((runId, "work", 1), (claim.GetProperty("runId").GetString(), claim.GetProperty("node").GetString(), claim.GetProperty("attempt").GetInt32()));
        Assert.Equal($"{runId}/work/1/1", claim.GetProperty("idempotencyKey").GetString());
        Assert.Equal("resize", claim.GetProperty("input").GetProperty("job").GetString());

        var (beat, reply) = await host.PostJsonAsync($"/api/tasks/{taskId}/heartbeat", new { details = new { percent = 40 } });
        var tasks = await host.GetJsonAsync($"/api/tasks?queue={queue}");
        var workers = await host.GetJsonAsync($"/api/workers?queue={queue}");
        var progressed = await WaitForNodeTaskAsync(runId);
        var (completed, _) = await host.PostJsonAsync($"/api/tasks/{taskId}/complete", new { output = new { width = 640 } });
        var run = await host.WaitForRunEndAsync(runId);
        var (again, _) = await host.PostJsonAsync($"/api/tasks/{taskId}/complete", new { output = new { width = 1 } });
        var afterwards = await host.GetJsonAsync($"/api/tasks?queue={queue}");

        Assert.Equal((HttpStatusCode.OK, false), (beat, reply.GetProperty("cancelRequested").GetBoolean()));
        var listed = Assert.Single(tasks.GetProperty("items").EnumerateArray());
        Assert.Equal((0, 1), (listed.GetProperty("pending").GetInt32(), listed.GetProperty("claimed").GetInt32()));
        var task = Assert.Single(listed.GetProperty("tasks").EnumerateArray());
        Assert.Equal(("claimed", "tester", 40), (task.GetProperty("status").GetString(), task.GetProperty("worker").GetString(), task.GetProperty("details").GetProperty("percent").GetInt32()));
        var worker = Assert.Single(workers.GetProperty("items").EnumerateArray());
        Assert.Equal("tester", worker.GetProperty("worker").GetString());
        Assert.Equal(taskId, Assert.Single(worker.GetProperty("tasks").EnumerateArray()).GetString());
        Assert.True(worker.TryGetProperty("lastHeartbeatAt", out _));
        Assert.Equal((taskId, "tester", 40), (progressed.GetProperty("taskId").GetString(), progressed.GetProperty("worker").GetString(), progressed.GetProperty("details").GetProperty("percent").GetInt32()));
        Assert.Equal(HttpStatusCode.NoContent, completed);
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(640, run.GetProperty("nodes").GetProperty("work").GetProperty("output").GetProperty("width").GetInt32());
        Assert.Equal(640, run.GetProperty("state").GetProperty("width").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(0, Assert.Single(afterwards.GetProperty("items").EnumerateArray()).GetProperty("tasks").GetArrayLength());
    }

    [Fact]
    public async Task CancellingTheRun_MarksItsClaimedTaskCancelRequested_AndTakesPendingOnesOffTheQueue()
    {
        var name = UniqueName("tasks-cancel");
        var queue = UniqueName("cancel");
        await host.PutWorkflowAsync(OneTask(name, queue, "forEach: \"[1, 2, 3]\""));
        var runId = await host.StartRunAsync(name, new { job = "x" });
        var (claimed, claim) = await host.PostJsonAsync($"/api/tasks/{queue}/claim", new { worker = "tester", wait = "30s" });
        Assert.Equal(HttpStatusCode.OK, claimed);
        var taskId = claim.GetProperty("taskId").GetString()!;
        await WaitForQueueAsync(queue, pending: 2);

        var (cancelled, _) = await host.PostJsonAsync($"/api/runs/{runId}/cancel", new { reason = "no longer needed" });
        var queueAfter = await WaitForQueueAsync(queue, pending: 0);
        var (beat, reply) = await host.PostJsonAsync($"/api/tasks/{taskId}/heartbeat", new { });

        Assert.Equal(HttpStatusCode.OK, cancelled);
        Assert.Equal(1, queueAfter.GetProperty("claimed").GetInt32());
        Assert.Equal((HttpStatusCode.OK, true), (beat, reply.GetProperty("cancelRequested").GetBoolean()));
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("cancelled", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Audit_LeavesOutEmptyClaimsAndHeartbeats_AndKeepsClaimsThatHandOutATaskAndCompletions()
    {
        var name = UniqueName("tasks-audit");
        var queue = UniqueName("audit");
        await host.PutWorkflowAsync(OneTask(name, queue));
        await host.PostJsonAsync($"/api/tasks/{queue}/claim", new { worker = "auditor" });
        await host.StartRunAsync(name, new { job = "x" });
        var (_, claim) = await host.PostJsonAsync($"/api/tasks/{queue}/claim", new { worker = "auditor", wait = "30s" });
        var taskId = claim.GetProperty("taskId").GetString()!;
        await host.PostJsonAsync($"/api/tasks/{taskId}/heartbeat", new { });
        await host.PostJsonAsync($"/api/tasks/{taskId}/complete", new { output = 1 });

        var audit = await host.GetJsonAsync("/api/audit?limit=500");
        var targets = audit.GetProperty("items").EnumerateArray()
            .Select(e => (Target: e.GetProperty("target").GetString()!, Status: e.GetProperty("status").GetInt32()))
            .Where(e => e.Target.Contains(queue, StringComparison.Ordinal))
            .ToList();

        Assert.Contains(($"/api/tasks/{queue}/claim", 200), targets);
        Assert.Contains(($"/api/tasks/{taskId}/complete", 204), targets);
        Assert.DoesNotContain(targets, e => e.Status == 204 && e.Target.EndsWith("/claim", StringComparison.Ordinal));
        Assert.DoesNotContain(targets, e => e.Target.EndsWith("/heartbeat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerNode_WithoutAQueue_IsRefusedNamingTheField()
    {
        using var content = new StringContent("name: no-queue\nnodes:\n  work: { type: worker, heartbeatTimeout: soon }\n", System.Text.Encoding.UTF8, "application/yaml");
        using var response = await host.Client.PostAsync(Relative("/api/workflows/validate"), content);
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var paths = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("nodes.work.queue", paths);
        Assert.Contains("nodes.work.heartbeatTimeout", paths);
    }

    /// <summary>Waits (at most 30 s) until node <c>work</c> of the run shows what its worker reported, and returns it.</summary>
    private async Task<JsonElement> WaitForNodeTaskAsync(string runId)
    {
        for (var i = 0; i < 600; i++)
        {
            var node = (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("nodes").GetProperty("work");
            if (node.TryGetProperty("task", out var task))
            {
                return task;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"run {runId}'s node never showed its task's progress");
        return default;
    }

    /// <summary>Waits (at most 30 s) until <paramref name="queue"/> holds <paramref name="pending"/> pending tasks.</summary>
    private async Task<JsonElement> WaitForQueueAsync(string queue, int pending)
    {
        JsonElement listed = default;
        for (var i = 0; i < 600; i++)
        {
            listed = (await host.GetJsonAsync($"/api/tasks?queue={queue}")).GetProperty("items")[0];
            if (listed.GetProperty("pending").GetInt32() == pending)
            {
                return listed;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"queue {queue} never had {pending} pending tasks: {listed}");
        return listed;
    }
}
