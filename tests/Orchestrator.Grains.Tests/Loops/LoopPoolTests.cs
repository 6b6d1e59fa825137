using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Queues;
using Orchestrator.Providers.Streams;
using static Orchestrator.Grains.Tests.Loops.LoopTesting;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Each pool type runs the loop's nodes where it says it does.</summary>
public sealed class LoopPoolTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ThreadPool_RunsTheProducerAndBlockingChainOnTheLoopsOwnThread()
    {
        var runId = await _host.StartAsync($$"""
            name: pool-thread
            loops:
              main:
                pool: thread
                producer: { type: interval, every: 1ms }
                chain:
                  - { node: a }
                  - { node: b }
            nodes:
              a: { type: dotnet, class: {{RecordClass}}, settings: { as: a } }
              b: { type: dotnet, class: {{RecordClass}}, settings: { as: b } }
            """);
        var probe = LoopProbe.For(runId);
        await probe.WaitForAsync("b", 5);
        await _host.Loop(runId, "main").StopAsync("done");

        var entries = probe.Entries.Take(10).ToList();
        Assert.All(entries, e => Assert.Equal($"loop {LoopIds.For(runId, "main")}", e.ThreadName));
        Assert.Single(entries.Select(e => e.ThreadId).Distinct());
    }

    [Fact]
    public async Task AsyncPool_RunsOneTurnAtATime_EvenForNonBlockingWork()
    {
        var runId = await _host.StartAsync($$"""
            name: pool-async
            loops:
              main:
                pool: async
                producer: { type: interval, every: 1ms }
                chain:
                  - { node: a, mode: nonblocking }
                  - { node: b, mode: nonblocking }
                  - { node: c }
            nodes:
              a: { type: dotnet, class: {{RecordClass}}, settings: { as: a } }
              b: { type: dotnet, class: {{RecordClass}}, settings: { as: b } }
              c: { type: dotnet, class: {{RecordClass}}, settings: { as: c } }
            """);
        var probe = LoopProbe.For(runId);
        await probe.WaitForAsync("c", 30);
        await _host.Loop(runId, "main").StopAsync("done");

        Assert.Equal(1, probe.MaxConcurrent);
        var schedulers = probe.Entries.Select(e => e.Scheduler).Distinct().ToList();
        Assert.Single(schedulers);
        Assert.NotSame(TaskScheduler.Default, schedulers[0]);
    }

    [Fact]
    public async Task ProcessPool_RunsDotnetNodesInAWorkerProcess_AndSurvivesItsCrash()
    {
        var runId = await _host.StartAsync($$"""
            name: pool-process
            loops:
              main:
                pool: process
                producer: { type: queue, queue: pool-process-in }
                chain: [ { node: pid } ]
            nodes:
              pid: { type: dotnet, class: Orchestrator.Grains.Tests.Loops.ProcessIdNode, retry: { maxAttempts: 1 } }
            """);
        await _host.WaitForLoopAsync(runId, "main", loop => loop.State == LoopStatus.Running);

        await PushAsync("pool-process-in", new JsonObject { ["n"] = 1 });
        var first = await _host.WaitForLoopAsync(runId, "main", loop => loop.Completed == 1);
        var firstPid = first.Nodes["pid"].LastOutput!["pid"]!.GetValue<int>();
        Assert.NotEqual(Environment.ProcessId, firstPid);
        Assert.Equal(firstPid, first.WorkerProcessId);

        await PushAsync("pool-process-in", new JsonObject { ["crash"] = true });
        var crashed = await _host.WaitForLoopAsync(runId, "main", loop => loop.Errors == 1);
        Assert.Contains("exit", crashed.LastError!.Message, StringComparison.OrdinalIgnoreCase);

        await PushAsync("pool-process-in", new JsonObject { ["n"] = 3 });
        var after = await _host.WaitForLoopAsync(runId, "main", loop => loop.Completed == 2);
        var secondPid = after.Nodes["pid"].LastOutput!["pid"]!.GetValue<int>();
        Assert.NotEqual(firstPid, secondPid);
        Assert.NotEqual(Environment.ProcessId, secondPid);
        Assert.Equal(1, after.WorkerRestarts);
        Assert.Equal(LoopStatus.Running, after.State);

        await _host.Loop(runId, "main").StopAsync("done");
        await _host.WaitForEndAsync(runId);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(secondPid));
    }

    private Task<long> PushAsync(string queue, JsonNode value) =>
        TopicProviders.Get(_host.Silo.Services, TopicProviderNames.Durable)
            .GetTopic<QueueMessage>(StreamId.Create("queue", queue))
            .OnNextAsync(new QueueMessage { Id = Guid.NewGuid().ToString("N"), Value = value, ProducedAt = DateTimeOffset.UtcNow });
}
