using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>Node-duration percentiles per workflow (<c>GET /api/workflows/{name}/stats</c>) and over every workflow
/// (<c>GET /api/stats/nodes</c>), read from the view finished runs write. The nodes are delays on the fake clock, so
/// their durations are exact.</summary>
[Collection(FakeClockHostGroup.Name)]
public sealed class WorkflowStatisticsApiTests(FakeClockApiHost host)
{
    private RestApiHost Api => host.Api;

    [Fact]
    public async Task WorkflowStatistics_GivePercentilesPerNode_AndRunDurationsAndAttempts()
    {
        var name = UniqueName("stats-nodes");
        await Api.PutWorkflowAsync($$"""
            name: {{name}}
            nodes:
              short: { type: delay, duration: 2s }
              long:  { type: delay, duration: 5s, dependsOn: [short] }
            """);
        var runId = await Api.StartRunAsync(name);
        await AdvanceWhenWaitedForAsync(TimeSpan.FromSeconds(2));
        await AdvanceWhenWaitedForAsync(TimeSpan.FromSeconds(5));
        var run = await Api.WaitForRunEndAsync(runId);

        var stats = await Api.GetJsonAsync($"/api/workflows/{name}/stats?window=1h");
        var everything = await Api.GetJsonAsync("/api/stats/nodes?window=1h");

        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(1, stats.GetProperty("runs").GetInt32());
        Assert.Equal(7, stats.GetProperty("runDurationP50Seconds").GetDouble());
        Assert.Equal(7, stats.GetProperty("runDurationP99Seconds").GetDouble());
        Assert.Equal(2, stats.GetProperty("attempts").GetInt64());
        Assert.Equal(2.0 / 3600, stats.GetProperty("tasksPerSecond").GetDouble(), 3);
        var nodes = stats.GetProperty("nodes");
        Assert.Equal(["long", "short"], nodes.EnumerateObject().Select(n => n.Name));
        AssertNode(nodes.GetProperty("short"), 2);
        AssertNode(nodes.GetProperty("long"), 5);
        Assert.True(everything.GetProperty("attempts").GetInt64() >= 2);
        Assert.Empty(everything.GetProperty("nodes").EnumerateObject());
        Assert.True(everything.GetProperty("nodeDurationP99Seconds").GetDouble() >= 5);
    }

    [Fact]
    public async Task WorkflowStatistics_AreEmpty_WhenNoRunFinishedInTheWindow_And404ForAnUnknownWorkflow()
    {
        var name = UniqueName("stats-idle");
        await Api.PutWorkflowAsync($"name: {name}\nnodes:\n  a: {{ type: noop }}\n");

        var stats = await Api.GetJsonAsync($"/api/workflows/{name}/stats");
        var missing = await Api.GetJsonAsync($"/api/workflows/{UniqueName("missing")}/stats", HttpStatusCode.NotFound);

        Assert.Equal(0, stats.GetProperty("runs").GetInt32());
        Assert.False(stats.TryGetProperty("runDurationP50Seconds", out _));
        Assert.Empty(stats.GetProperty("nodes").EnumerateObject());
        Assert.Equal("name", missing.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("/api/workflows/any/stats?window=soon")]
    [InlineData("/api/workflows/any/stats?window=8d")]
    [InlineData("/api/stats/nodes?window=10s")]
    public async Task Statistics_Return400NamingTheWindow_WhenItIsOutOfRange(string path)
    {
        var problem = await Api.GetJsonAsync(path, HttpStatusCode.BadRequest);

        Assert.Equal("window", problem.GetProperty("field").GetString());
    }

    private static void AssertNode(JsonElement node, double seconds)
    {
        Assert.Equal(1, node.GetProperty("count").GetInt64());
        Assert.Equal(1, node.GetProperty("attempts").GetInt64());
        Assert.Equal(0, node.GetProperty("failed").GetInt64());
        Assert.Equal(seconds, node.GetProperty("p50Seconds").GetDouble());
        Assert.Equal(seconds, node.GetProperty("p99Seconds").GetDouble());
    }

    /// <summary>Moves the clock by <paramref name="delay"/> once a delay node waits for it.</summary>
    private async Task AdvanceWhenWaitedForAsync(TimeSpan delay)
    {
        await host.Clock.WaitForArmedTimersAsync(1, host.Clock.GetUtcNow() + delay);
        host.Clock.Advance(delay);
    }
}
