using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;
using Orchestrator.Testing.Services;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class AgentAndJobExecutorTests : IAsyncLifetime
{
    private LocalAgentService _agent = null!;
    private LocalJobService _jobs = null!;

    public async Task InitializeAsync()
    {
        _agent = await LocalAgentService.StartAsync();
        _jobs = await LocalJobService.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _jobs.DisposeAsync();
    }

    [Fact]
    public async Task Agent_CallsTheSilosAgentUrl_WhenTheNodeNamesNone()
    {
        await using var services = NodeServices.Create(options => options.AgentUrl = _agent.Address);

        var outcome = await services.Registry().ExecuteAsync(Invocations.Create("""{"type":"agent","message":"hi"}""", node: "ask"), CancellationToken.None);

        Assert.Equal("run-1.ask", outcome.Output!["threadId"]!.GetValue<string>());
        Assert.Equal("run-1/ask/1/1", Assert.Single(_agent.Calls).IdempotencyKey);
    }

    [Fact]
    public async Task AgentAndJob_AreRefusedInternalAddresses_OnARestrictedSilo_UnlessHttpAllowNamesThem()
    {
        var agent = Invocations.Create($$"""{"type":"agent","url":"{{_agent.Address}}","message":"hi"}""");
        var job = Invocations.Create(JobJson().ToJsonString());
        await using (var restricted = NodeServices.Create(options => options.Restricted = true))
        {
            var refusedAgent = await Assert.ThrowsAsync<NodeExecutionException>(() => restricted.Registry().ExecuteAsync(agent, CancellationToken.None));
            var refusedJob = await Assert.ThrowsAsync<NodeExecutionException>(() => restricted.Registry().ExecuteAsync(job, CancellationToken.None));
            Assert.Contains("--http-allow", refusedAgent.Message, StringComparison.Ordinal);
            Assert.Contains("--http-allow", refusedJob.Message, StringComparison.Ordinal);
            Assert.Empty(_agent.Calls);
            Assert.Equal(0, _jobs.Submitted);
        }

        await using var allowed = NodeServices.Create(options =>
        {
            options.Restricted = true;
            options.HttpAllow.Add("127.0.0.1");
        });
        _jobs.EndState = "SUCCEEDED";
        _jobs.EndAfterPolls = 1;
        Assert.Equal("completed", (await allowed.Registry().ExecuteAsync(agent, CancellationToken.None)).Output!["status"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", (await allowed.Registry().ExecuteAsync(job, CancellationToken.None)).Output!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Job_ResumesPollingTheRecordedJob_WithoutSubmittingAgain()
    {
        await using var services = NodeServices.Create();
        var recorded = new List<(JsonObject Data, bool Waiting)>();
        var invocation = Invocations.Create(JobJson().ToJsonString()) with
        {
            ProgressRecorder = (data, waiting) =>
            {
                recorded.Add((data, waiting));
                return Task.FromResult(true);
            },
        };
        _jobs.EndState = "SUCCEEDED";
        _jobs.EndAfterPolls = 2;

        var first = await services.Registry().ExecuteAsync(invocation, CancellationToken.None);
        var resumed = await services.Registry().ExecuteAsync(
            invocation with { Progress = new JsonObject { ["jobId"] = "job-1", ["status"] = "RUNNING" }, Resumed = true },
            CancellationToken.None);

        Assert.Equal("job-1", first.Output!["jobId"]!.GetValue<string>());
        Assert.Equal("job-1", resumed.Output!["jobId"]!.GetValue<string>());
        Assert.Equal(1, _jobs.Submitted);
        Assert.Equal(("submitted", true), (recorded[0].Data["status"]!.GetValue<string>(), recorded[0].Waiting));
        Assert.Equal((true, false), (recorded[^1].Data["done"]!.GetValue<bool>(), recorded[^1].Waiting));
    }

    [Fact]
    public async Task SecretResolvingExecutor_RedactsSecretsFromRecordedProgress()
    {
        Environment.SetEnvironmentVariable("ORCHESTRATOR_SECRET_AGENT_THREAD", "thread-s3cret");
        await using var services = NodeServices.Create();
        var recorded = new List<JsonObject>();
        var executor = new Orchestrator.Nodes.Secrets.SecretResolvingExecutor(new ProgressEchoExecutor(), services.GetRequiredService<Orchestrator.Nodes.Secrets.SecretStore>());
        var invocation = Invocations.Create("""{"type":"agent","message":"hi","thread":"${secret.AGENT_THREAD}"}""") with
        {
            ProgressRecorder = (data, _) =>
            {
                recorded.Add(data);
                return Task.FromResult(true);
            },
        };

        await executor.ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal("***", Assert.Single(recorded)["threadId"]!.GetValue<string>());
    }

    /// <summary>Records its rendered <c>thread</c> setting as progress, as an agent node does.</summary>
    private sealed class ProgressEchoExecutor : INodeExecutor
    {
        public string Type => "agent";

        public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
        {
            await invocation.RecordProgressAsync(new JsonObject { ["threadId"] = invocation.Config["thread"]!.GetValue<string>() });
            return NodeOutcome.Empty;
        }
    }

    private JsonObject JobJson() => new()
    {
        ["type"] = "job",
        ["submit"] = new JsonObject { ["url"] = $"{_jobs.Address}jobs", ["body"] = new JsonObject { ["image"] = "demo" } },
        ["idPath"] = "$.name",
        ["status"] = new JsonObject { ["url"] = $"{_jobs.Address}jobs/${{job.id}}" },
        ["donePath"] = "$.state",
        ["successValues"] = new JsonArray("SUCCEEDED"),
        ["failureValues"] = new JsonArray("FAILED"),
        ["pollEvery"] = new JsonObject { ["initial"] = "20ms", ["max"] = "50ms" },
    };
}
