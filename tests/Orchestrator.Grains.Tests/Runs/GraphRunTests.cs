using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class GraphRunTests
{
    private const string Counter = """
        name: counter
        entry: inc
        state: { count: 0, target: 4 }
        nodes:
          inc:  { type: set, values: { count: "state.count + 1" } }
          done: { type: set, values: { finished: "true" } }
        edges:
          - { from: inc, to: inc,  when: "state.count < state.target" }
          - { from: inc, to: done, when: "state.count >= state.target" }
          - { from: done, to: END }
        """;

    [Fact]
    public async Task GraphRun_FollowsConditionalEdges_UntilEnd()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(Counter);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("counter")).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("END", run.CurrentNode);
        Assert.Equal("4", run.State["count"]!.ToJsonString());
        Assert.True(run.State["finished"]!.GetValue<bool>());
        Assert.Equal(4, run.Nodes["inc"].Iterations);
        var transitions = host.Events(run.RunId).Where(e => e.Type == RunEventTypes.Transition)
            .Select(e => $"{e.Data!["from"]}->{e.Data["to"]}").ToList();
        Assert.Equal(["inc->inc", "inc->inc", "inc->inc", "inc->done", "done->END"], transitions);
        var iterations = host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeStarted && e.Node == "inc").Select(e => e.Iteration);
        Assert.Equal([1, 2, 3, 4], iterations);
    }

    [Fact]
    public async Task GraphRun_StopsWithASystemEvent_WhenANodeReachesMaxIterations()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(Counter.Replace("entry: inc", "entry: inc\nmaxIterations: 2", StringComparison.Ordinal));
        var run = await host.WaitForEndAsync((await host.StartRunAsync("counter")).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("2", run.State["count"]!.ToJsonString());
        var notice = Assert.Single(host.Events(run.RunId), e => e.Type == RunEventTypes.System);
        Assert.Equal("Max iterations reached", notice.Data!["message"]!.GetValue<string>());
        Assert.Null(run.State["finished"]);
    }

    [Fact]
    public async Task GraphRun_MergesObjectOutputsIntoState_UnlessMergeIsFalse()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: merging
            entry: a
            nodes:
              a: { type: set, values: { merged: "1" } }
              b: { type: set, merge: false, values: { hidden: "2" } }
              c: { type: set, values: { seen: "nodes.b.output.hidden" } }
            edges:
              - { from: a, to: b }
              - { from: b, to: c }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("merging", new JsonObject { ["given"] = "x" })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("1", run.State["merged"]!.ToJsonString());
        Assert.Null(run.State["hidden"]);
        Assert.Equal("2", run.State["seen"]!.ToJsonString());
        Assert.Equal("x", run.State["given"]!.GetValue<string>());
        var completed = host.Events(run.RunId).First(e => e.Type == RunEventTypes.NodeCompleted && e.Node == "a");
        Assert.Equal("""{"merged":1}""", completed.Data!["stateUpdate"]!.ToJsonString());
    }

    [Fact]
    public async Task Signal_IsMergedIntoState_AndOpensTheEdgeItControls()
    {
        var clock = new Orchestrator.Testing.FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: approval
            entry: wait
            nodes:
              wait:    { type: delay, duration: 5m }
              approve: { type: set, values: { approvedBy: "state.approval.by" } }
              reject:  { type: set, values: { rejected: "true" } }
            edges:
              - { from: wait, to: approve, when: "state.approval.ok == true" }
              - { from: wait, to: reject }
            """);
        var run = await host.StartRunAsync("approval");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted);

        var signalled = await host.Run(run.RunId).SignalAsync("approval", new JsonObject { ["ok"] = true, ["by"] = "alice" });
        Assert.Equal("alice", signalled.State["approval"]!["by"]!.GetValue<string>());
        // The 5-minute delay waits on the run's durable reminder, whose tick comes when it falls due.
        clock.Advance(TimeSpan.FromMinutes(5));
        await host.TickAsync(run.RunId);
        var finished = await host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal("alice", finished.State["approvedBy"]!.GetValue<string>());
        Assert.Null(finished.State["rejected"]);
        Assert.Contains(host.Events(run.RunId), e => e.Type == RunEventTypes.RunSignalled && e.Data!["name"]!.GetValue<string>() == "approval");
        await Assert.ThrowsAsync<RunConflictException>(() => host.Run(run.RunId).SignalAsync("late", null));
    }

    [Fact]
    public async Task NoMatchingEdge_FailsTheRun_NamingTheNode()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: dead-end
            entry: a
            nodes:
              a: { type: noop }
              b: { type: noop }
            edges:
              - { from: a, to: b, when: "state.go == true" }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("dead-end")).RunId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("no edge out of 'a' matched", run.Error, StringComparison.Ordinal);
    }
}
