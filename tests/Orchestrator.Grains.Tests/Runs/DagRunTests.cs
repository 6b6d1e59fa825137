using System.Text.Json.Nodes;
using Orchestrator.Runs;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class DagRunTests
{
    [Fact]
    public async Task DagRun_RunsDependentsAfterTheirDependencies_AndIndependentNodesInParallel()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: diamond
            nodes:
              start: { type: set, values: { started: "true" } }
              left:  { type: delay, duration: 17s, dependsOn: [start] }
              right: { type: delay, duration: 17s, dependsOn: [start] }
              join:  { type: set, values: { joined: "state.started" }, dependsOn: [left, right] }
            """);
        var run = await host.StartRunAsync("diamond");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted && e.Node == "left");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted && e.Node == "right");
        // The events are announced as the attempts start: wait until both delays wait on the clock (17 s: no other
        // timer of the silo, its 10 s samplers among them, falls due with them and is counted instead).
        await clock.WaitForArmedTimersAsync(2, clock.GetUtcNow() + TimeSpan.FromSeconds(17));

        // One advance of 17 s finishes both delays: they ran at the same time.
        clock.Advance(TimeSpan.FromSeconds(17));
        var finished = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.True(finished.State["joined"]!.GetValue<bool>());
        var events = host.Events(run.RunId);
        int Index(string type, string node) => events.ToList().FindIndex(e => e.Type == type && e.Node == node);
        Assert.True(Index(RunEventTypes.NodeCompleted, "start") < Index(RunEventTypes.NodeStarted, "left"));
        Assert.True(Index(RunEventTypes.NodeStarted, "right") < Index(RunEventTypes.NodeCompleted, "left"));
        Assert.True(Index(RunEventTypes.NodeCompleted, "left") < Index(RunEventTypes.NodeStarted, "join"));
        Assert.True(Index(RunEventTypes.NodeCompleted, "right") < Index(RunEventTypes.NodeStarted, "join"));
        Assert.Equal(events.Select(e => e.Seq), Enumerable.Range(1, events.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task ForEach_FansOutOverTheList_AndJoinsOutputsInOrder()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: fanout
            state: { numbers: [1, 2, 3, 4] }
            nodes:
              square: { type: set, forEach: "state.numbers", values: { squared: "item * item" } }
              total:  { type: set, dependsOn: [square], values: { count: "len(nodes.square.output)", last: "nodes.square.output[3].squared" } }
            """);
        var run = await host.StartRunAsync("fanout");
        var finished = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal("""[{"squared":1},{"squared":4},{"squared":9},{"squared":16}]""", finished.Nodes["square"].Output!.ToJsonString());
        Assert.Equal("4", finished.State["count"]!.ToJsonString());
        Assert.Equal("16", finished.State["last"]!.ToJsonString());
        Assert.Equal(4, host.Events(run.RunId).Count(e => e.Type == RunEventTypes.NodeStarted && e.Node == "square"));
    }

    [Fact]
    public async Task FailedNode_FailsTheRun_UnlessItSaysContinue()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: tolerant
            nodes:
              flaky: { type: fail, message: broken, onFailure: continue, retry: { maxAttempts: 1 } }
              after: { type: set, dependsOn: [flaky], values: { reached: "nodes.flaky.status" } }
            """);
        await host.PutAsync("""
            name: strict
            nodes:
              flaky: { type: fail, message: broken, retry: { maxAttempts: 1 } }
              after: { type: noop, dependsOn: [flaky] }
            """);

        var tolerant = await host.WaitForEndAsync((await host.StartRunAsync("tolerant")).RunId);
        var strict = await host.WaitForEndAsync((await host.StartRunAsync("strict")).RunId);

        Assert.Equal(RunStatus.Completed, tolerant.Status);
        Assert.Equal("failed", tolerant.State["reached"]!.GetValue<string>());
        Assert.Equal(RunStatus.Failed, strict.Status);
        Assert.Contains("broken", strict.Error, StringComparison.Ordinal);
        // The dependent will never run: it says so, with the reason, and the log has its node.skipped event.
        Assert.Equal(NodeStatus.Skipped, strict.Nodes["after"].Status);
        Assert.Contains("the run failed", strict.Nodes["after"].Error, StringComparison.Ordinal);
        var skipped = Assert.Single(await host.Run(strict.RunId).GetEventsAsync(0, 1000), e => e.Type == RunEventTypes.NodeSkipped);
        Assert.Equal("after", skipped.Node);
    }

    [Fact]
    public async Task StartWithSameIdempotencyKey_ReturnsTheSameRun()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: once
            nodes:
              only: { type: noop }
            """);
        var first = await host.StartRunAsync("once", new JsonObject { ["n"] = 1 }, idempotencyKey: "order-42");
        var second = await host.StartRunAsync("once", new JsonObject { ["n"] = 2 }, idempotencyKey: "order-42");
        await host.WaitForEndAsync(first.RunId);

        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal("1", (await host.Run(first.RunId).GetAsync()).State["n"]!.ToJsonString());
        Assert.Single(host.Events(first.RunId), e => e.Type == RunEventTypes.RunCreated);
    }

    [Fact]
    public async Task NodeTimeout_FailsTheAttempt_AndRunTimeoutFailsTheRun()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: slow-node
            nodes:
              wait: { type: delay, duration: 1m, timeout: 5s, retry: { maxAttempts: 1 } }
            """);
        await host.PutAsync("""
            name: slow-run
            timeout: 30s
            nodes:
              wait: { type: delay, duration: 1h }
            """);
        var node = await host.StartRunAsync("slow-node");
        var run = await host.StartRunAsync("slow-run");
        await host.WaitForAsync(node.RunId, e => e.Type == RunEventTypes.NodeStarted);
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted);
        // The event is announced as the attempt starts: wait until its 5 s timeout waits on the clock.
        await clock.WaitForArmedTimersAsync(1, clock.GetUtcNow() + TimeSpan.FromSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(5));
        var timedOutNode = await host.WaitForEndAsync(node.RunId);
        clock.Advance(TimeSpan.FromSeconds(25));
        var timedOutRun = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, timedOutNode.Status);
        Assert.Contains("timed out after 5s", timedOutNode.Nodes["wait"].Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, timedOutRun.Status);
        Assert.Contains("timed out", timedOutRun.Error, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Cancelled, timedOutRun.Nodes["wait"].Status);
    }
}
