using Orchestrator.Runs;
using Orchestrator.Testing.Services;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class JobNodeTests : IAsyncLifetime
{
    private LocalJobService _jobs = null!;
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _jobs = await LocalJobService.StartAsync();
        _host = await EngineHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _jobs.DisposeAsync();
    }

    [Fact]
    public async Task Job_Completes_WhenTheServiceSaysSucceeded()
    {
        _jobs.EndState = "SUCCEEDED";
        _jobs.EndAfterPolls = 3;
        var run = await StartAsync("job-ok", "");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal(1, _jobs.Submitted);
        Assert.Equal([$"{run.RunId}/build/1/1"], _jobs.SubmitKeys);
        Assert.Equal(3, _jobs.Polls("job-1"));
        var node = finished.Nodes["build"];
        Assert.Equal("job-1", node.Output!["jobId"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", node.Output!["status"]!.GetValue<string>());
        Assert.Equal("job-1", node.Progress!["jobId"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", node.Progress!["status"]!.GetValue<string>());
        var statuses = _host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeProgress).Select(e => e.Data!["progress"]!["status"]!.GetValue<string>());
        Assert.Equal(["submitted", "RUNNING", "SUCCEEDED"], statuses);
        Assert.Empty(_jobs.Cancelled);
    }

    [Fact]
    public async Task Job_FailsTheNode_WhenTheServiceSaysFailed()
    {
        _jobs.EndState = "FAILED";
        _jobs.EndAfterPolls = 1;
        var run = await StartAsync("job-fails", ", retry: { maxAttempts: 1 }");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Contains("job job-1 failed: $.state is FAILED", finished.Nodes["build"].Error, StringComparison.Ordinal);
        Assert.Equal("FAILED", finished.Nodes["build"].Progress!["status"]!.GetValue<string>());
        Assert.Equal(1, _jobs.Submitted);
    }

    [Fact]
    public async Task Job_RetrySubmitsANewJob_AfterTheJobFailed()
    {
        _jobs.EndState = "FAILED";
        _jobs.EndAfterPolls = 1;
        var run = await StartAsync("job-retried", ", retry: { maxAttempts: 2, initialDelay: 10ms }");

        await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(2, _jobs.Submitted);
        Assert.Equal([$"{run.RunId}/build/1/1", $"{run.RunId}/build/1/2"], _jobs.SubmitKeys);
    }

    [Fact]
    public async Task Job_IsCancelled_WhenTheNodeTimesOut()
    {
        var run = await StartAsync("job-slow", ", timeout: 1s, retry: { maxAttempts: 1 }");

        var finished = await _host.WaitForEndAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Contains("timed out after 1s", finished.Nodes["build"].Error, StringComparison.Ordinal);
        Assert.Equal(["job-1"], _jobs.Cancelled);
        Assert.Equal("CANCELLED", _jobs.State("job-1"));
        Assert.True(_jobs.Polls("job-1") >= 1);
    }

    [Fact]
    public async Task Job_IsCancelled_WhenTheRunIsCancelled()
    {
        var run = await StartAsync("job-cancelled", "");
        await _jobs.Requests.WaitUntilAsync(() => _jobs.Polls("job-1") >= 1, "the first poll");

        await _host.Run(run.RunId).CancelAsync("enough");
        await _jobs.Requests.WaitUntilAsync(() => _jobs.Cancelled.Count == 1, "the job's cancellation");

        Assert.Equal("CANCELLED", _jobs.State("job-1"));
        Assert.Equal(RunStatus.Cancelled, (await _host.Run(run.RunId).GetAsync()).Status);
    }

    [Fact]
    public async Task PollingJobs_HoldNoParallelSlot_SoOtherNodesRunMeanwhile()
    {
        await using var host = await EngineHost.StartAsync(engine: options => options.MaxParallelAttempts = 1);
        await host.PutAsync($"name: two-jobs\nnodes:\n  first: {_jobs.NodeSettings()}\n  second: {_jobs.NodeSettings()}\n");

        var run = await host.StartRunAsync("two-jobs");

        // With one slot, the second job is submitted only because the first, once polling, gave its slot back.
        await _jobs.Requests.WaitUntilAsync(() => _jobs.Submitted == 2, "both jobs submitted while the first still runs");
        Assert.Equal("RUNNING", _jobs.State("job-1"));
        _jobs.SetState("job-1", "SUCCEEDED");
        _jobs.SetState("job-2", "SUCCEEDED");
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(run.RunId)).Status);
    }

    private async Task<RunSnapshot> StartAsync(string name, string extra)
    {
        await _host.PutAsync($"name: {name}\nnodes:\n  build: {_jobs.NodeSettings(extra)}\n");
        return await _host.StartRunAsync(name);
    }
}
