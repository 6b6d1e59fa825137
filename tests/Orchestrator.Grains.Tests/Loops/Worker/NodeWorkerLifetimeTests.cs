using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Grains.Tests.Loops.Worker.TestNodes;
using Orchestrator.Grains.Tests.Nodes;
using Orchestrator.Loops.Worker;
using Orchestrator.Nodes;

namespace Orchestrator.Grains.Tests.Loops.Worker;

public sealed class NodeWorkerLifetimeTests
{
    [Fact]
    public async Task DisposeAsync_LeavesNoProcessRunning_WhenTheWorkerRan()
    {
        var worker = new NodeWorkerProcess("loop-lifetime", NullLogger.Instance);
        var pid = await worker.PidAsync();

        await worker.DisposeAsync();

        Assert.True(WorkerCalls.HasEnded(pid));
        Assert.Null(worker.ProcessId);
    }

    [Fact]
    public async Task DisposeAsync_DisposesTheNodeInstances_WhenTheWorkerShutsDown()
    {
        using var folder = new TemporaryFolder();
        var marker = folder.Combine("disposed.txt");
        var worker = new NodeWorkerProcess("loop-lifetime", NullLogger.Instance);
        await worker.RunAsync<DisposableNode>("disposable", settings: new JsonObject { ["marker"] = marker });

        await worker.DisposeAsync();

        Assert.Equal("disposed", await File.ReadAllTextAsync(marker));
    }

    [Fact]
    public async Task DisposeAsync_KillsTheWorkerAndFailsTheCallInFlight_WhenANodeIgnoresCancellation()
    {
        var worker = new NodeWorkerProcess("loop-lifetime", NullLogger.Instance) { ShutdownGrace = TimeSpan.Zero };
        var stubborn = worker.RunAsync<WaitingForeverNode>("stubborn", settings: new JsonObject { ["ignoreCancellation"] = true });
        await worker.RunAsync<WaitProbeNode>("probe");
        var pid = worker.ProcessId!.Value;

        await worker.DisposeAsync();

        Assert.True(WorkerCalls.HasEnded(pid));
        var failure = await Assert.ThrowsAsync<NodeExecutionException>(() => stubborn);
        Assert.Contains("was stopped while running node 'stubborn'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ThrowsObjectDisposed_WhenTheWorkerWasDisposed()
    {
        var worker = new NodeWorkerProcess("loop-lifetime", NullLogger.Instance);
        await worker.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => worker.PidAsync());
    }

    [Fact]
    public async Task Worker_ExitsWithZero_WhenItsStandardInputCloses()
    {
        using var process = System.Diagnostics.Process.Start(WorkerExecutable.CreateStartInfo())!;
        try
        {
            process.StandardInput.Close();

            await process.WaitForExitAsync().WaitAsync(WorkerCalls.Bound);

            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
