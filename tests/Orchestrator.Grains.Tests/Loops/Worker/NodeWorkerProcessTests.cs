using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Loops.Worker.TestNodes;
using Orchestrator.Grains.Tests.Nodes.TestNodes;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

public sealed class NodeWorkerProcessTests() : WorkerTests("loop-runs")
{
    [Fact]
    public async Task RunAsync_RunsTheNodeInAnotherProcess_WhenCalled()
    {
        Assert.Null(Worker.ProcessId);

        var output = await Worker.RunAsync<ProcessProbeNode>("probe");

        var pid = output!["pid"]!.GetValue<int>();
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.Equal(pid, Worker.ProcessId);
        Assert.Equal(0, Worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_RunsTheNodeInTheCallersTrace_WhenASpanIsCurrent()
    {
        using var caller = new System.Diagnostics.Activity("caller").SetParentId($"00-{System.Diagnostics.ActivityTraceId.CreateRandom()}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01").Start();

        var output = await Worker.RunAsync<TraceProbeNode>("trace");

        Assert.Equal(caller.TraceId.ToHexString(), (string?)output!["traceId"]);
        Assert.Equal(caller.SpanId.ToHexString(), (string?)output["parentSpanId"]);
    }

    [Fact]
    public async Task RunAsync_ReusesOneInstanceInitializedOnce_WhenTheNodeIsCalledRepeatedly()
    {
        JsonNode? output = null;
        for (var call = 0; call < 3; call++)
        {
            output = await Worker.RunAsync<ProcessProbeNode>("probe");
        }

        Assert.Equal(3, output!["runs"]!.GetValue<int>());
        Assert.Equal(1, output["initializations"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_KeepsOneInstancePerNodeName_WhenTwoNodesShareAClass()
    {
        await Worker.RunAsync<ProcessProbeNode>("first");
        await Worker.RunAsync<ProcessProbeNode>("first");

        var second = await Worker.RunAsync<ProcessProbeNode>("second");

        Assert.Equal(1, second!["runs"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_PassesTheConfigAndTheData_WhenTheNodeRuns()
    {
        var config = new NodeConfig { Name = "echo", Workflow = "wf", Settings = new JsonObject { ["greeting"] = "hi" } };
        var data = new NodeData
        {
            Value = new JsonObject { ["reading"] = 4.5 },
            State = new JsonObject { ["s"] = 1 },
            RunId = "loop-7",
            Iteration = 12,
            Attempt = 2,
            IdempotencyKey = "loop-7/echo/12/2",
        };

        var output = await Worker.RunAsync(WorkerCalls.ClassOf<EchoNode>(), config, data, CancellationToken.None).WaitAsync(WorkerCalls.Bound);

        var expected = JsonNode.Parse("""
            {"name":"echo","workflow":"wf","settings":{"greeting":"hi"},"greeting":"hi","value":{"reading":4.5},
             "state":{"s":1,"touched":true},"runId":"loop-7","iteration":12,"attempt":2,"idempotencyKey":"loop-7/echo/12/2"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, output), output!.ToJsonString());
        Assert.False(data.State.ContainsKey("touched"));
    }

    [Fact]
    public async Task RunAsync_GivesTheNodeAClock_WhenItsConstructorTakesOne()
    {
        var output = await Worker.RunAsync<ClockedNode>("clocked");

        Assert.True(output!.GetValue<int>() >= 2025);
    }

    [Fact]
    public async Task RunAsync_LoadsTheNode_WhenItsAssemblyHasNoDepsFileOfItsOwn()
    {
        var data = new NodeData { State = new JsonObject { ["code"] = "x = 1" } };

        var output = await Worker.RunAsync(WorkerCalls.ClassOf<CodeReview.Improve>(), WorkerCalls.Config("improve"), data, CancellationToken.None)
            .WaitAsync(WorkerCalls.Bound);

        Assert.Equal(1, output!["improvements"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_RoundTripsTheValue_WhenItIsOneMebibyte()
    {
        var text = string.Create(1 << 20, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + (i % 26));
            }
        });
        var value = new JsonObject { ["text"] = text, ["lines"] = "one\ntwo\r\nthree\u2028four" };

        var output = await Worker.RunAsync<EchoNode>("echo", value);

        Assert.True(JsonNode.DeepEquals(value, output!["value"]));
    }

    [Fact]
    public async Task RunAsync_ReturnsAValueThatCanJoinAnotherDocument_WhenTheCallCompletes()
    {
        var output = await Worker.RunAsync<EchoNode>("echo", new JsonObject { ["a"] = 1 });

        var document = new JsonObject { ["output"] = output };

        Assert.Equal(1, document["output"]!["value"]!["a"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_CompletesEveryCall_WhenTwentyCallsRunAtOnce()
    {
        var settings = new JsonObject { ["parties"] = 20 };

        var outputs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Worker.RunAsync<BarrierNode>("barrier", settings: settings)));

        Assert.Equal(Enumerable.Range(1, 20), outputs.Select(output => output!.GetValue<int>()).Order());
    }
}
