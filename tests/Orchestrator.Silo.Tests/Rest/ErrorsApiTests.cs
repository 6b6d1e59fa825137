using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class ErrorsApiTests(RestApiHost host)
{
    /// <summary>Fails its first attempt and has no retries left, so each run leaves one unresolved error record; the
    /// node's second attempt (a manual retry) succeeds.</summary>
    private static string OnceBroken(string name) => $$"""
        name: {{name}}
        nodes:
          call:  { type: fail, times: 1, message: "service down", retry: { maxAttempts: 1 } }
          after: { type: set, values: { after: "true" }, dependsOn: [call] }
        """;

    private async Task<(string Workflow, string ErrorId, string RunId)> FailOnceAsync(string prefix)
    {
        var name = UniqueName(prefix);
        await host.PutWorkflowAsync(OnceBroken(name));
        var run = await host.RunToEndAsync(name);
        Assert.Equal("failed", run.GetProperty("status").GetString());
        var runId = run.GetProperty("runId").GetString()!;
        return (name, $"{runId}.call.1", runId);
    }

    [Fact]
    public async Task ListAndGet_ShowTheUnresolvedRecord_OnBothTheResourceAndTheSeedRoutes()
    {
        var (workflow, errorId, runId) = await FailOnceAsync("err-list");

        var listed = await host.GetJsonAsync($"/api/errors?status=unresolved&workflow={workflow}");
        var seed = await host.GetJsonAsync($"/api/errors/errors?recoveryStatus=unresolved&workflow={workflow}");
        var none = await host.GetJsonAsync($"/api/errors/errors?recoveryStatus=resolved&workflow={workflow}");
        var record = await host.GetJsonAsync($"/api/errors/{errorId}");

        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(errorId, item.GetProperty("id").GetString());
        Assert.Equal("unresolved", item.GetProperty("recoveryStatus").GetString());
        Assert.Equal(1, seed.GetProperty("count").GetInt32());
        Assert.Equal(errorId, seed.GetProperty("errors")[0].GetProperty("id").GetString());
        Assert.Equal(0, none.GetProperty("count").GetInt32());
        Assert.Equal(runId, record.GetProperty("runId").GetString());
        Assert.Equal("call", record.GetProperty("node").GetString());
        Assert.Contains("service down", record.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("created", record.GetProperty("history")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Resolve_KeepsWhoAndWhy_AndResolvingAgainIs409()
    {
        var (_, errorId, _) = await FailOnceAsync("err-resolve");

        var (status, resolved) = await host.PostJsonAsync($"/api/errors/{errorId}/resolve", new { by = "bob", reason = "fixed by hand" });
        var (again, problem) = await host.PostJsonAsync($"/api/errors/{errorId}/resolve");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("resolved", resolved.GetProperty("recoveryStatus").GetString());
        var action = resolved.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("resolve", "bob", "fixed by hand"),
            (action.GetProperty("action").GetString(), action.GetProperty("by").GetString(), action.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task SeedIgnoreAndEscalate_ChangeTheStatus_WithByDefaultingToApi()
    {
        var (_, ignoredId, _) = await FailOnceAsync("err-seed");
        var (_, escalatedId, _) = await FailOnceAsync("err-seed");

        var (ignoreStatus, ignored) = await host.PostJsonAsync($"/api/errors/errors/{ignoredId}/ignore");
        var (escalateStatus, escalated) = await host.PostJsonAsync($"/api/errors/errors/{escalatedId}/escalate", new { reason = "needs the vendor" });
        var (escalateAgain, _) = await host.PostJsonAsync($"/api/errors/errors/{escalatedId}/escalate");
        var (retryIgnored, _) = await host.PostJsonAsync($"/api/errors/errors/{ignoredId}/retry");
        var listed = await host.GetJsonAsync("/api/errors/errors?recoveryStatus=escalated&limit=500");

        Assert.Equal((HttpStatusCode.OK, "ignored"), (ignoreStatus, ignored.GetProperty("recoveryStatus").GetString()));
        Assert.Equal("api", ignored.GetProperty("history").EnumerateArray().Last().GetProperty("by").GetString());
        Assert.Equal((HttpStatusCode.OK, "escalated"), (escalateStatus, escalated.GetProperty("recoveryStatus").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, escalateAgain);
        Assert.Equal(HttpStatusCode.Conflict, retryIgnored);
        Assert.Contains(listed.GetProperty("errors").EnumerateArray(), e => e.GetProperty("id").GetString() == escalatedId);
    }

    [Fact]
    public async Task Retry_RerunsTheFailedNode_AndTheRunCompletesAndTheRecordResolves()
    {
        var (_, errorId, runId) = await FailOnceAsync("err-retry");

        var (status, retrying) = await host.PostJsonAsync($"/api/errors/errors/{errorId}/retry", new { by = "alice", reason = "service is back" });
        var run = await host.WaitForRunEndAsync(runId);
        var record = await host.GetJsonAsync($"/api/errors/{errorId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("retrying", retrying.GetProperty("recoveryStatus").GetString());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("state").GetProperty("after").GetBoolean());
        Assert.Equal(JsonValueKind.String, record.GetProperty("recoveryStatus").ValueKind);
        Assert.Contains(record.GetProperty("history").EnumerateArray(), h => h.GetProperty("by").GetString() == "alice");
    }
}
