using System.Diagnostics;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Seed 001's timing rules: blocking nodes hold the next iteration, non-blocking nodes do not (up to maxInFlight).</summary>
public sealed class LoopTimingTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("thread")]
    [InlineData("async")]
    public async Task NextIteration_StartsOnlyAfterEveryBlockingNodeCompleted(string pool)
    {
        var runId = await _host.StartAsync($$"""
            name: blocking-{{pool}}
            loops:
              main:
                pool: {{pool}}
                producer: { type: interval, every: 1ms }
                chain:
                  - { node: hold, mode: blocking }
                  - { node: after, mode: blocking }
            nodes:
              hold: { type: dotnet, class: {{GateClass}} }
              after: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);

        for (var i = 1; i <= 3; i++)
        {
            await probe.WaitForAsync("entered", i);
            Assert.Equal(i - 1, probe.Count("record"));
            probe.Open();
            await probe.WaitForAsync("record", i);
        }

        await _host.Loop(runId, "main").StopAsync("done");
        probe.Open(10);
        var order = probe.Entries.Select(e => e.What).Take(9).ToList();
        Assert.Equal(["entered", "left", "record", "entered", "left", "record", "entered", "left", "record"], order);
        Assert.Equal(1, probe.MaxConcurrent);
    }

    [Fact]
    public async Task NonBlockingNode_LetsTheLoopGoOn_UntilMaxInFlightIsReached()
    {
        var runId = await _host.StartAsync($$"""
            name: nonblocking-cap
            loops:
              main:
                pool: thread
                producer: { type: interval, every: 1ms }
                maxInFlight: 4
                chain:
                  - { node: hold, mode: nonblocking }
                  - { node: after, mode: blocking }
            nodes:
              hold: { type: dotnet, class: {{NonBlockingGateClass}} }
              after: { type: dotnet, class: {{RecordClass}} }
            """);
        var probe = LoopProbe.For(runId);

        // Four iterations pass the held non-blocking node without waiting for it...
        await probe.WaitForAsync("record", 4);
        // ...and the fifth waits for room.
        var waiting = await _host.WaitForLoopAsync(runId, "main", loop => loop.Iterations == 5 && loop.InFlight == 4);
        await probe.WaitForAsync("entered", 4);
        Assert.Equal(4, probe.Count("entered"));
        Assert.Equal(4, probe.Count("record"));
        Assert.Equal(4, waiting.MaxInFlight);

        probe.Open();
        await probe.WaitForAsync("record", 5);
        Assert.True(probe.Count("entered") <= 5);

        await _host.Loop(runId, "main").StopAsync("done");
        probe.Open(100);
    }

    [Fact]
    public async Task BlockingFiftyMillisecondNode_CapsTheLoopNearTwentyIterationsPerSecond_WhileNonBlockingDoesNot()
    {
        var runId = await _host.StartAsync("""
            name: fifty-ms
            loops:
              blocking:
                pool: async
                producer: { type: interval, every: 1ms }
                chain: [ { node: work, mode: blocking } ]
              nonblocking:
                pool: async
                producer: { type: interval, every: 1ms }
                maxInFlight: 200
                chain: [ { node: work, mode: nonblocking } ]
            nodes:
              work: { type: delay, duration: 50ms }
            """);

        var clock = Stopwatch.StartNew();
        await _host.WaitForLoopAsync(runId, "blocking", loop => loop.Completed >= 10);
        var blockingElapsed = clock.Elapsed;
        var nonBlocking = await _host.Loop(runId, "nonblocking").GetAsync();

        // Ten blocking iterations cannot take less than ten times the node's 50 ms: at most 20 per second.
        Assert.True(blockingElapsed >= TimeSpan.FromMilliseconds(500), $"10 blocking iterations took {blockingElapsed.TotalMilliseconds} ms");
        // Meanwhile the non-blocking loop, with the same node, started far more iterations than the blocking one.
        var blocking = await _host.Loop(runId, "blocking").GetAsync();
        Assert.True(nonBlocking.Iterations > 3 * blocking.Iterations, $"non-blocking {nonBlocking.Iterations} vs blocking {blocking.Iterations} iterations");

        await _host.Run(runId).CancelAsync("done");
    }

    [Fact]
    public async Task Data_FlowsFromEachBlockingNodeToTheNext_AndIterationsAreNumbered()
    {
        var runId = await _host.StartAsync($$"""
            name: data-flow
            loops:
              main:
                producer: { type: dotnet, class: {{ProducerClass}} }
                chain:
                  - { node: first, mode: blocking }
                  - { node: second, mode: blocking }
            nodes:
              first: { type: dotnet, class: {{RecordClass}}, settings: { as: first } }
              second: { type: dotnet, class: {{RecordClass}}, settings: { as: second } }
            """);
        var probe = LoopProbe.For(runId);

        var run = await _host.WaitForEndAsync(runId);

        Assert.Equal(Orchestrator.Runs.RunStatus.Completed, run.Status);
        Assert.Equal(LoopStatus.Stopped, run.Loops["main"]);
        var second = probe.Entries.Where(e => e.What == "second").ToList();
        Assert.Equal([1L, 2L, 3L], second.Select(e => e.Iteration));
        Assert.Equal(3, second[2].Value!["runs"]!.GetValue<int>());
        Assert.Equal(3, second[2].Value!["in"]!["n"]!.GetValue<int>());
        Assert.Equal([1, 2, 3], probe.Entries.Where(e => e.What == "produced").Select(e => e.Value!.GetValue<int>()));
        var loop = await _host.Loop(runId, "main").GetAsync();
        Assert.Equal("the producer finished", loop.Reason);
        Assert.Equal(3, loop.Completed);
    }
}
