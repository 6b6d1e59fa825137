using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Testing.Services;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class AgentNodeTests : IAsyncLifetime
{
    private LocalAgentService _agent = null!;
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _agent = await LocalAgentService.StartAsync();
        _host = await EngineHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _agent.DisposeAsync();
    }

    [Fact]
    public async Task Agent_CompletesWithTheAnswer_AndKeepsThreadAndStatusOnTheNode()
    {
        await _host.PutAsync($$"""
            name: ask
            nodes:
              ask: { type: agent, url: "{{_agent.Address}}", message: "summarise ${state.topic}", timeout: 90s }
            """);
        var run = await _host.StartRunAsync("ask", new JsonObject { ["topic"] = "orleans" });

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        var call = Assert.Single(_agent.Calls);
        Assert.Equal($"{run.RunId}.ask", call.ThreadId);
        Assert.Equal("summarise orleans", call.Message);
        Assert.Equal(90, call.Timeout);
        Assert.Equal($"{run.RunId}/ask/1/1", call.IdempotencyKey);
        var node = finished.Nodes["ask"];
        Assert.Equal("echo: summarise orleans", node.Output!["result"]!.GetValue<string>());
        Assert.Equal($"{run.RunId}.ask", node.Progress!["threadId"]!.GetValue<string>());
        Assert.Equal("completed", node.Progress!["status"]!.GetValue<string>());
        var progress = _host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeProgress).Select(e => e.Data!["progress"]!["status"]!.GetValue<string>());
        Assert.Equal(["running", "completed"], progress);
    }

    [Fact]
    public async Task Agent_RetryReusesTheThreadTheAgentAnswered_AfterAFailedStatus()
    {
        _agent.Answer(200, new JsonObject { ["threadId"] = "th-42", ["status"] = "failed", ["result"] = "the model was busy" });
        await _host.PutAsync($$"""
            name: retrying-agent
            nodes:
              ask: { type: agent, url: "{{_agent.Address}}", message: hello, retry: { maxAttempts: 2, initialDelay: 10ms } }
            """);
        var run = await _host.StartRunAsync("retrying-agent");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(2, finished.Nodes["ask"].Attempts);
        Assert.Equal([$"{run.RunId}.ask", "th-42"], _agent.Calls.Select(c => c.ThreadId));
        Assert.Equal([$"{run.RunId}/ask/1/1", $"{run.RunId}/ask/1/2"], _agent.Calls.Select(c => c.IdempotencyKey));
        Assert.Equal("th-42", finished.Nodes["ask"].Progress!["threadId"]!.GetValue<string>());
        var retry = Assert.Single(_host.Events(run.RunId), e => e.Type == RunEventTypes.NodeRetryScheduled);
        Assert.Contains("status 'failed'", retry.Data!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(_host.Events(run.RunId), e => e.Type == RunEventTypes.NodeProgress && e.Attempt == 1
            && e.Data!["progress"]!["status"]!.GetValue<string>() == "failed");
    }

    [Fact]
    public async Task Agent_FailsTheAttempt_WhenTheServiceAnswersNon2xx()
    {
        _agent.Answer(503, new JsonObject { ["error"] = "overloaded" });
        await _host.PutAsync($$"""
            name: failing-agent
            nodes:
              ask: { type: agent, url: "{{_agent.Address}}", message: hello, retry: { maxAttempts: 1 } }
            """);
        var run = await _host.StartRunAsync("failing-agent");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Contains("answered 503", finished.Nodes["ask"].Error, StringComparison.Ordinal);
        Assert.Equal("error", finished.Nodes["ask"].Progress!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Agent_FailsTheAttemptAndAbortsTheCall_WhenTheNodeTimesOut()
    {
        _agent.HangNext();
        await _host.PutAsync($$"""
            name: slow-agent
            nodes:
              ask: { type: agent, url: "{{_agent.Address}}", message: hello, timeout: 1s, retry: { maxAttempts: 1 } }
            """);
        var run = await _host.StartRunAsync("slow-agent");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Contains("timed out after 1s", finished.Nodes["ask"].Error, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(_agent.Calls).Timeout);
        await _agent.Requests.WaitUntilAsync(() => _agent.Aborted == 1, "the agent call to be aborted");
        Assert.Equal("running", finished.Nodes["ask"].Progress!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Agent_KeepsEachForEachElementsThread_InItemProgress()
    {
        await _host.PutAsync($$"""
            name: many-agents
            state: { topics: [a, b] }
            nodes:
              ask: { type: agent, url: "{{_agent.Address}}", message: "about ${item}", forEach: state.topics }
            """);
        var run = await _host.StartRunAsync("many-agents");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        var items = finished.Nodes["ask"].ItemProgress!;
        Assert.Equal([$"{run.RunId}.ask.0", $"{run.RunId}.ask.1"], items.Select(p => p!["threadId"]!.GetValue<string>()));
        Assert.All(items, p => Assert.Equal("completed", p!["status"]!.GetValue<string>()));
    }
}
