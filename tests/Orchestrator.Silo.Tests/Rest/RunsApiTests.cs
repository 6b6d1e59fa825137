using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class RunsApiTests(RestApiHost host)
{
    private static string Quick(string name) => $$"""
        name: {{name}}
        state: { threshold: 7 }
        nodes:
          mark: { type: set, values: { done: "true" } }
        """;

    private static string Slow(string name) => $$"""
        name: {{name}}
        nodes:
          wait: { type: delay, duration: 10m }
        """;

    [Fact]
    public async Task Start_Returns202WithRunIdAndLocation_AndTheRunIsReadable()
    {
        var name = UniqueName("run-start");
        await host.PutWorkflowAsync(Quick(name));

        using var response = await host.Client.PostAsJsonAsync(Relative("/api/runs"), new { workflow = name, input = new { code = "x" } });
        var runId = (await ReadJsonAsync(response)).GetProperty("runId").GetString();
        var run = await host.WaitForRunEndAsync(runId!);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.OriginalString);
        Assert.Equal(runId, run.GetProperty("runId").GetString());
        Assert.Equal(name, run.GetProperty("workflow").GetString());
        Assert.Equal(1, run.GetProperty("version").GetInt32());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("x", run.GetProperty("state").GetProperty("code").GetString());
        Assert.Equal(7, run.GetProperty("state").GetProperty("threshold").GetInt32());
        Assert.Equal("completed", run.GetProperty("nodes").GetProperty("mark").GetProperty("status").GetString());
        Assert.True(run.GetProperty("createdAt").TryGetDateTimeOffset(out _));
        Assert.True(run.GetProperty("finishedAt").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task StartWithWait_Returns200WithTheFinishedRun_WhenTheRunEndsInTime()
    {
        var name = UniqueName("run-wait");
        await host.PutWorkflowAsync(Quick(name));

        var run = await host.RunToEndAsync(name);

        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("state").GetProperty("done").GetBoolean());
    }

    [Fact]
    public async Task StartWithWait_Returns202WithTheRunAsItIs_WhenTheTimeoutPasses()
    {
        var name = UniqueName("run-wait-slow");
        await host.PutWorkflowAsync(Slow(name));

        using var response = await host.Client.PostAsJsonAsync(Relative("/api/runs?wait=true&timeout=300ms"), new { workflow = name });
        var run = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("running", run.GetProperty("status").GetString());
        await host.PostJsonAsync($"/api/runs/{run.GetProperty("runId").GetString()}/cancel");
    }

    [Fact]
    public async Task Start_ReturnsTheSameRun_WhenTheIdempotencyKeyIsRepeated()
    {
        var name = UniqueName("run-idem");
        await host.PutWorkflowAsync(Quick(name));

        var (_, first) = await host.PostJsonAsync("/api/runs", new { workflow = name, idempotencyKey = "order-42" });
        var (_, second) = await host.PostJsonAsync("/api/runs", new { workflow = name, idempotencyKey = "order-42" });
        await host.WaitForRunEndAsync(first.GetProperty("runId").GetString()!);
        var listed = await host.GetJsonAsync($"/api/runs?workflow={name}");

        Assert.Equal(first.GetProperty("runId").GetString(), second.GetProperty("runId").GetString());
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_PagesRunsNewestFirst_FilteredByWorkflowAndStatus()
    {
        var name = UniqueName("run-list");
        await host.PutWorkflowAsync(Quick(name));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await host.RunToEndAsync(name)).GetProperty("runId").GetString()!);
        }

        var firstPage = await host.GetJsonAsync($"/api/runs?workflow={name}&status=completed&limit=2");
        var cursor = firstPage.GetProperty("cursor").GetString()!;
        var secondPage = await host.GetJsonAsync($"/api/runs?workflow={name}&status=completed&limit=2&cursor={Uri.EscapeDataString(cursor)}");
        var failed = await host.GetJsonAsync($"/api/runs?workflow={name}&status=failed");

        var listed = firstPage.GetProperty("items").EnumerateArray().Concat(secondPage.GetProperty("items").EnumerateArray())
            .Select(r => r.GetProperty("runId").GetString()!).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.False(secondPage.TryGetProperty("cursor", out _));
        Assert.All(firstPage.GetProperty("items").EnumerateArray(), r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Equal(0, failed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Events_ReturnTheOrderedLog_AfterTheGivenSeq()
    {
        var name = UniqueName("run-events");
        await host.PutWorkflowAsync(Quick(name));
        var runId = (await host.RunToEndAsync(name)).GetProperty("runId").GetString();

        var all = await host.GetJsonAsync($"/api/runs/{runId}/events");
        var later = await host.GetJsonAsync($"/api/runs/{runId}/events?after=2&limit=2");

        var seqs = all.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal("run.created", all[0].GetProperty("type").GetString());
        Assert.Equal("run.completed", all[seqs.Count - 1].GetProperty("type").GetString());
        Assert.Equal([3L, 4L], later.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task PauseResumeSignalCancel_ChangeTheRun_AndRefusedTransitionsAre409()
    {
        var name = UniqueName("run-life");
        await host.PutWorkflowAsync(Slow(name));
        var runId = await host.StartRunAsync(name);

        var (resumeRunning, resumeProblem) = await host.PostJsonAsync($"/api/runs/{runId}/resume");
        var (pauseStatus, paused) = await host.PostJsonAsync($"/api/runs/{runId}/pause");
        var (pauseAgain, _) = await host.PostJsonAsync($"/api/runs/{runId}/pause");
        var (signalStatus, signalled) = await host.PostJsonAsync($"/api/runs/{runId}/signal", new { name = "approval", data = new { ok = true } });
        var (mergeStatus, merged) = await host.PostJsonAsync($"/api/runs/{runId}/signal", new { data = new { reviewer = "ana" } });
        var (resumeStatus, resumed) = await host.PostJsonAsync($"/api/runs/{runId}/resume");
        var (cancelStatus, cancelled) = await host.PostJsonAsync($"/api/runs/{runId}/cancel", new { reason = "no longer needed" });
        var (cancelAgain, stillCancelled) = await host.PostJsonAsync($"/api/runs/{runId}/cancel");
        var (pauseCancelled, pauseProblem) = await host.PostJsonAsync($"/api/runs/{runId}/pause");
        var (signalCancelled, _) = await host.PostJsonAsync($"/api/runs/{runId}/signal", new { name = "late", data = 1 });

        Assert.Equal(HttpStatusCode.Conflict, resumeRunning);
        Assert.Contains("paused", resumeProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "paused"), (pauseStatus, paused.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, pauseAgain);
        Assert.Equal(HttpStatusCode.OK, signalStatus);
        Assert.True(signalled.GetProperty("state").GetProperty("approval").GetProperty("ok").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, mergeStatus);
        Assert.Equal("ana", merged.GetProperty("state").GetProperty("reviewer").GetString());
        Assert.Equal((HttpStatusCode.OK, "running"), (resumeStatus, resumed.GetProperty("status").GetString()));
        Assert.Equal((HttpStatusCode.OK, "cancelled"), (cancelStatus, cancelled.GetProperty("status").GetString()));
        Assert.Equal("no longer needed", cancelled.GetProperty("error").GetString());
        Assert.Equal((HttpStatusCode.OK, "cancelled"), (cancelAgain, stillCancelled.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, pauseCancelled);
        Assert.Equal(409, pauseProblem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, signalCancelled);
    }

    [Fact]
    public async Task Runs_SayWhatStartedThem_AndAreListedByIt()
    {
        var name = UniqueName("run-trigger");
        await host.PutWorkflowAsync(Quick(name));
        var (_, byCli) = await host.PostJsonAsync("/api/runs?wait=true", new { workflow = name, triggeredBy = "cli" });
        var (_, byApi) = await host.PostJsonAsync("/api/runs?wait=true", new { workflow = name });

        Assert.Equal("cli", byCli.GetProperty("triggeredBy").GetString());
        Assert.Equal("api", byApi.GetProperty("triggeredBy").GetString());
        var listed = await host.GetJsonAsync($"/api/runs?workflow={name}&triggeredBy=cli");
        var run = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal((byCli.GetProperty("runId").GetString(), "cli"), (run.GetProperty("runId").GetString(), run.GetProperty("triggeredBy").GetString()));
    }

    [Fact]
    public async Task Pause_AnswersWithTheRunsLoopsPaused_AndResumeWithThemRunning()
    {
        var name = UniqueName("run-loops");
        await host.PutWorkflowAsync($$"""
            name: {{name}}
            loops:
              tick: { producer: { type: interval, every: 50ms }, chain: [ { node: mark } ] }
            nodes:
              mark: { type: noop }
            """);
        var runId = await host.StartRunAsync(name);

        var (pauseStatus, paused) = await host.PostJsonAsync($"/api/runs/{runId}/pause");
        var (resumeStatus, resumed) = await host.PostJsonAsync($"/api/runs/{runId}/resume");
        await host.PostJsonAsync($"/api/runs/{runId}/cancel");

        Assert.Equal((HttpStatusCode.OK, "paused"), (pauseStatus, paused.GetProperty("loops").GetProperty("tick").GetString()));
        Assert.Equal((HttpStatusCode.OK, "running"), (resumeStatus, resumed.GetProperty("loops").GetProperty("tick").GetString()));
    }

    [Fact]
    public async Task Cancel_Returns409_WhenTheRunHasCompleted()
    {
        var name = UniqueName("run-done");
        await host.PutWorkflowAsync(Quick(name));
        var runId = (await host.RunToEndAsync(name)).GetProperty("runId").GetString();

        var (status, problem) = await host.PostJsonAsync($"/api/runs/{runId}/cancel");
        var run = await host.GetJsonAsync($"/api/runs/{runId}");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("completed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", run.GetProperty("status").GetString());
    }
}
