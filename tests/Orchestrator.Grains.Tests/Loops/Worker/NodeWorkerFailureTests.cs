using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Grains.Tests.Loops.Worker.TestNodes;
using Orchestrator.Grains.Tests.Nodes.TestNodes;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

public sealed class NodeWorkerFailureTests : IAsyncLifetime
{
    private readonly NodeWorkerProcess _worker = new("loop-failures", NullLogger.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task RunAsync_ThrowsTheNodesMessageAndTheWorkerSurvives_WhenTheNodeThrows()
    {
        var pid = await _worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => _worker.RunAsync<ThrowingNode>("throwing", settings: new JsonObject { ["message"] = "sensor offline" }));

        Assert.Equal("sensor offline", failure.Message);
        Assert.Equal(pid, await _worker.PidAsync());
        Assert.Equal(0, _worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_FailsThatCallAndRestartsOnTheNext_WhenTheNodeExitsItsProcess()
    {
        var first = await _worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => _worker.RunAsync<ExitingNode>("exiting", new JsonObject { ["exitCode"] = 3 }));

        Assert.Contains($"worker process {first} of loop 'loop-failures' exited with code 3 while running node 'exiting'", failure.Message, StringComparison.Ordinal);
        var second = await _worker.PidAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(1, _worker.Restarts);
        Assert.True(WorkerCalls.HasEnded(first));
    }

    [Fact]
    public async Task RunAsync_ReportsTheReason_WhenTheNodeFailsFast()
    {
        await _worker.PidAsync();

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => _worker.RunAsync<ExitingNode>("exiting", new JsonObject { ["failFast"] = "disk on fire" }));

        Assert.Contains("exited with code", failure.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", failure.Message, StringComparison.Ordinal);
        await _worker.PidAsync();
        Assert.Equal(1, _worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_FailsTheCallInFlight_WhenTheWorkerIsKilled()
    {
        var waiting = _worker.RunAsync<WaitingForeverNode>("waiting");
        await _worker.RunAsync<WaitProbeNode>("probe");
        var pid = _worker.ProcessId!.Value;

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(() => waiting);
        Assert.Contains($"worker process {pid} of loop 'loop-failures' exited with code", failure.Message, StringComparison.Ordinal);
        Assert.Contains("while running node 'waiting'", failure.Message, StringComparison.Ordinal);
        Assert.NotEqual(pid, await _worker.PidAsync());
    }

    [Fact]
    public async Task RunAsync_ThrowsOperationCanceledAndTheWorkerStaysUsable_WhenTheCallIsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var waiting = _worker.RunAsync<WaitingForeverNode>("waiting", cancellationToken: cancellation.Token);
        await _worker.RunAsync<WaitProbeNode>("probe");
        var pid = _worker.ProcessId;

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var probe = await _worker.RunAsync<WaitProbeNode>("probe");
        Assert.Equal(1, probe!["cancelled"]!.GetValue<int>());
        Assert.Equal(pid, _worker.ProcessId);
        Assert.Equal(0, _worker.Restarts);
    }

    [Fact]
    public async Task RunAsync_ThrowsOperationCanceledAfterTheGrace_WhenTheNodeIgnoresCancellation()
    {
        _worker.CancelGrace = TimeSpan.Zero;
        _worker.ShutdownGrace = TimeSpan.Zero;
        using var cancellation = new CancellationTokenSource();
        var waiting = _worker.RunAsync<WaitingForeverNode>(
            "stubborn", settings: new JsonObject { ["ignoreCancellation"] = true }, cancellationToken: cancellation.Token);
        await _worker.RunAsync<WaitProbeNode>("probe");

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, (await _worker.RunAsync<WaitProbeNode>("probe"))!["started"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_NamesTheClassAndTheAssembly_WhenTheClassIsMissing()
    {
        var missing = new NodeClassRef("Nowhere.Node", typeof(EchoNode).Assembly.Location);

        var failure = await Assert.ThrowsAsync<NodeExecutionException>(
            () => _worker.RunAsync(missing, WorkerCalls.Config("ghost"), WorkerCalls.Data(), CancellationToken.None).WaitAsync(WorkerCalls.Bound));

        Assert.Contains("Nowhere.Node", failure.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(EchoNode).Assembly.Location, failure.Message, StringComparison.Ordinal);
        await _worker.PidAsync();
        Assert.Equal(0, _worker.Restarts);
    }
}
