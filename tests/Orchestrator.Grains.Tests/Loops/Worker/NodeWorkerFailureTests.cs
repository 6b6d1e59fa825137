using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Loops.Worker.TestNodes;
using Orchestrator.Grains.Tests.Nodes.TestNodes;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

public sealed class NodeWorkerFailureTests() : WorkerTests("loop-failures")
{
    [Fact]
    public async Task RunAsync_ThrowsTheNodesMessageAndTheWorkerSurvives_WhenTheNodeThrows()
    {
        var pid = await Worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Worker.RunAsync<ThrowingNode>("throwing", settings: new JsonObject { ["message"] = "sensor offline" }));

        Assert.Equal("sensor offline", failure.Message);
        Assert.Equal(pid, await Worker.PidAsync());
        Assert.Equal(0, Worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_FailsThatCallAndRestartsOnTheNext_WhenTheNodeExitsItsProcess()
    {
        var first = await Worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Worker.RunAsync<ExitingNode>("exiting", new JsonObject { ["exitCode"] = 3 }));

        Assert.Contains($"worker process {first} of loop 'loop-failures' exited with code 3 while running node 'exiting'", failure.Message, StringComparison.Ordinal);
        var second = await Worker.PidAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(1, Worker.Restarts);
        Assert.True(WorkerCalls.HasEnded(first));
    }

    [Fact]
    public async Task RunAsync_ReportsTheReason_WhenTheNodeFailsFast()
    {
        await Worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Worker.RunAsync<ExitingNode>("exiting", new JsonObject { ["failFast"] = "disk on fire" }));

        Assert.Contains("exited with code", failure.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", failure.Message, StringComparison.Ordinal);
        await Worker.PidAsync();
        Assert.Equal(1, Worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_FailsTheCallInFlight_WhenTheWorkerIsKilled()
    {
        var waiting = Worker.RunAsync<WaitingForeverNode>("waiting");
        await Worker.RunAsync<WaitProbeNode>("probe");
        var pid = Worker.ProcessId!.Value;

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(() => waiting);
        Assert.Contains($"worker process {pid} of loop 'loop-failures' exited with code", failure.Message, StringComparison.Ordinal);
        Assert.Contains("while running node 'waiting'", failure.Message, StringComparison.Ordinal);
        Assert.NotEqual(pid, await Worker.PidAsync());
    }

    [Fact]
    public async Task RunAsync_ThrowsOperationCanceledAndTheWorkerStaysUsable_WhenTheCallIsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var waiting = Worker.RunAsync<WaitingForeverNode>("waiting", cancellationToken: cancellation.Token);
        await Worker.RunAsync<WaitProbeNode>("probe");
        var pid = Worker.ProcessId;

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var probe = await Worker.RunAsync<WaitProbeNode>("probe");
        Assert.Equal(1, probe!["cancelled"]!.GetValue<int>());
        Assert.Equal(pid, Worker.ProcessId);
        Assert.Equal(0, Worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_ThrowsOperationCanceledAfterTheGrace_WhenTheNodeIgnoresCancellation()
    {
        Worker.CancelGrace = TimeSpan.Zero;
        Worker.ShutdownGrace = TimeSpan.Zero;
        using var cancellation = new CancellationTokenSource();
        var waiting = Worker.RunAsync<WaitingForeverNode>(
            "stubborn", settings: new JsonObject { ["ignoreCancellation"] = true }, cancellationToken: cancellation.Token);
        await Worker.RunAsync<WaitProbeNode>("probe");

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, (await Worker.RunAsync<WaitProbeNode>("probe"))!["started"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_NamesTheClassAndTheAssembly_WhenTheClassIsMissing()
    {
        var missing = new NodeClassRef("Nowhere.Node", typeof(EchoNode).Assembly.Location);

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => Worker.RunAsync(missing, WorkerCalls.Config("ghost"), WorkerCalls.Data(), CancellationToken.None).WaitAsync(WorkerCalls.Bound));

        Assert.Contains("Nowhere.Node", failure.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(EchoNode).Assembly.Location, failure.Message, StringComparison.Ordinal);
        await Worker.PidAsync();
        Assert.Equal(0, Worker.Restarts);
    }
}
