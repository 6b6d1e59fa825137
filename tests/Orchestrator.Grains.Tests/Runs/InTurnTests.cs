using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>Nodes that touch nothing outside their run (<c>noop</c>, <c>set</c>, <c>log</c>) run in the run's own turn:
/// their steps share one write, every step still in the event log, and other nodes still run outside.</summary>
public sealed class InTurnTests
{
    [Fact]
    public async Task ARunOfOnlyNoopNodes_HasCompleted_WhenItsStartReturns()
    {
        await using var host = await EngineHost.StartAsync(new Orchestrator.Testing.FakeClock());
        await host.PutAsync("""
            name: twenty
            nodes:
            """ + string.Concat(Enumerable.Range(0, 20).Select(i => $"\n  t{i:00}: {{ type: noop }}")) + "\n  last: { type: log, message: done, dependsOn: [t00, t19] }\n");

        var started = await host.StartRunAsync("twenty");

        Assert.Equal(RunStatus.Completed, started.Status);
        var events = (await host.Run(started.RunId).GetEventsAsync(0, 1_000)).ToList();
        Assert.Equal(21, events.Count(e => e.Type == RunEventTypes.NodeStarted));
        Assert.Equal(21, events.Count(e => e.Type == RunEventTypes.NodeCompleted));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(RunEventTypes.RunCompleted, events[^1].Type);
    }

    [Fact]
    public async Task AGraphLoopingThroughSetNodes_WritesEveryFiveHundredSteps_AndKeepsEveryIterationInOrder()
    {
        await using var host = await EngineHost.StartAsync(new Orchestrator.Testing.FakeClock());
        await host.PutAsync("""
            name: counter
            entry: step
            maxIterations: 2500
            state: { n: 0 }
            nodes:
              step: { type: set, values: { n: "state.n + 1" } }
            edges:
              - { from: step, to: step, when: "state.n < 2500" }
              - { from: step, to: END }
            """);

        var started = await host.StartRunAsync("counter");
        var finished = await host.WaitForEndAsync(started.RunId);

        // The start's turn stopped after five hundred steps and wrote them; later turns carried on.
        Assert.Equal(RunStatus.Running, started.Status);
        Assert.Equal(500, started.State["n"]!.GetValue<int>());
        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(2_500, finished.State["n"]!.GetValue<int>());
        var events = (await host.Run(started.RunId).GetEventsAsync(0, 10_000)).ToList();
        Assert.Equal(Enumerable.Range(1, 2_500).Select(i => (int?)i), events.Where(e => e.Type == RunEventTypes.NodeCompleted).Select(e => e.Iteration));
    }

    [Fact]
    public async Task ASetNodeThatFails_IsRetriedByItsPolicy_AndANodeOfAnotherKindStillRunsOutsideTheTurn()
    {
        var clock = new Orchestrator.Testing.FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: mixed
            nodes:
              first: { type: set, values: { a: "1" } }
              wait:  { type: delay, duration: 50s, dependsOn: [first] }
              bad:   { type: set, values: { b: "len(state.a)" }, retry: { maxAttempts: 2, initialDelay: 1s, jitter: 0 }, dependsOn: [wait] }
            """);

        var started = await host.StartRunAsync("mixed");

        Assert.Equal(RunStatus.Running, started.Status);
        Assert.Equal(NodeStatus.Completed, started.Nodes["first"].Status);
        Assert.Equal(NodeStatus.Running, started.Nodes["wait"].Status);
        await clock.WaitForArmedTimersAsync(1, clock.GetUtcNow() + TimeSpan.FromSeconds(50));
        clock.Advance(TimeSpan.FromSeconds(50));
        await host.WaitForAsync(started.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled && e.Node == "bad");
        clock.Advance(TimeSpan.FromSeconds(2));
        var finished = await host.WaitForEndAsync(started.RunId);
        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Equal(2, finished.Nodes["bad"].Attempts);
        Assert.Contains("len() takes a string, array or object", finished.Nodes["bad"].Error, StringComparison.Ordinal);
    }
}
