using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class SubRunTests
{
    [Fact]
    public async Task WorkflowNode_AwaitsItsSubRun_AndGetsItsState()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: child
            nodes:
              double: { type: set, values: { doubled: "state.value * 2" } }
            """);
        await host.PutAsync("""
            name: parent
            nodes:
              call: { type: workflow, workflow: child, input: { value: "${state.value}" } }
              use:  { type: set, dependsOn: [call], values: { result: "nodes.call.output.state.doubled" } }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("parent", new JsonObject { ["value"] = 21 })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("42", run.State["result"]!.ToJsonString());
        var childId = RunIds.ForSubRun(run.RunId, "call", 1, 1, null);
        var child = await host.Run(childId).GetAsync();
        Assert.Equal(RunStatus.Completed, child.Status);
        Assert.Equal(run.RunId, child.Parent!.RunId);
    }

    [Fact]
    public async Task ForEachWorkflowNode_GetsEverySubRunsEnd_WhenTheSubRunsEndBeforeTheirStartIsRecorded()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: quick-child
            nodes:
              double: { type: set, values: { doubled: "state.value * 2" } }
            """);
        await host.PutAsync("""
            name: fan-parent
            nodes:
              call: { type: workflow, workflow: quick-child, forEach: "state.values", input: { value: "${item}" } }
            """);

        var run = await host.WaitForEndAsync((await host.StartRunAsync("fan-parent", new JsonObject { ["values"] = new JsonArray(1, 2, 3, 4, 5) })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([2, 4, 6, 8, 10], run.Nodes["call"].Output!.AsArray().Select(child => child!["state"]!["doubled"]!.GetValue<int>()));
    }

    [Fact]
    public async Task CancellingTheParent_CancelsTheSubRun()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: slow-child
            nodes:
              wait: { type: delay, duration: 1h }
            """);
        await host.PutAsync("""
            name: waiting-parent
            nodes:
              call: { type: workflow, workflow: slow-child }
            """);
        var run = await host.StartRunAsync("waiting-parent");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.System && e.Data?["subRunId"] is not null);
        var childId = RunIds.ForSubRun(run.RunId, "call", 1, 1, null);
        await host.WaitForAsync(childId, e => e.Type == RunEventTypes.NodeStarted);

        await host.Run(run.RunId).CancelAsync("stop everything");
        var child = await host.WaitForEndAsync(childId);

        Assert.Equal(RunStatus.Cancelled, child.Status);
        Assert.Contains(run.RunId, child.Error, StringComparison.Ordinal);
    }
}
