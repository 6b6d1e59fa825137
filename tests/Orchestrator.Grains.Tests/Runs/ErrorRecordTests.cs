using Orchestrator.Errors;
using Orchestrator.Runs;
using Orchestrator.Providers.Storage;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class ErrorRecordTests
{
    private const string OnceBroken = """
        name: once-broken
        nodes:
          first: { type: set, values: { before: "1" } }
          call:  { type: fail, times: 1, message: "service down", retry: { maxAttempts: 1 }, dependsOn: [first] }
          after: { type: set, values: { after: "nodes.call.output.attempt" }, dependsOn: [call] }
        """;

    [Fact]
    public async Task ExhaustedNode_CreatesAnUnresolvedRecord_ListedByRecoveryStatus()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(OnceBroken);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("once-broken")).RunId);

        Assert.Equal(RunStatus.Failed, run.Status);
        var recorded = Assert.Single(host.Events(run.RunId), e => e.Type == RunEventTypes.ErrorRecorded);
        var errorId = recorded.Data!["errorId"]!.GetValue<string>();
        var record = await host.Error(errorId).GetAsync();
        Assert.NotNull(record);
        Assert.Equal(ErrorRecoveryStatus.Unresolved, record.RecoveryStatus);
        Assert.Equal("call", record.Node);
        Assert.Contains("service down", record.Error, StringComparison.Ordinal);

        var page = await host.Silo.Storage.Queries.QueryViewAsync(new ViewQuery(ErrorRecordState.ErrorsView, null, "unresolved", 10), CancellationToken.None);
        Assert.Contains(page.Rows, row => row.GrainKey == errorId);
    }

    [Fact]
    public async Task ManualRetry_RerunsTheFailedNode_AndTheRunContinuesFromThere()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(OnceBroken);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("once-broken")).RunId);
        var errorId = $"{run.RunId}.call.1";

        var retrying = await host.Error(errorId).RetryAsync("alice", "service is back");
        Assert.Equal(ErrorRecoveryStatus.Retrying, retrying.RecoveryStatus);
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.RunCompleted);
        var finished = await host.Run(run.RunId).GetAsync();

        Assert.Equal(RunStatus.Completed, finished.Status);
        Assert.Equal("2", finished.State["after"]!.ToJsonString());
        // The node before the failure did not run again.
        Assert.Single(host.Events(run.RunId), e => e.Type == RunEventTypes.NodeStarted && e.Node == "first");
        var resolved = await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.Resolved);
        Assert.Equal(["created", "retry", "retry_succeeded"], resolved.History.Select(h => h.Action));
        Assert.Equal("alice", resolved.History[1].By);
        Assert.Equal("service is back", resolved.History[1].Reason);
    }

    [Fact]
    public async Task ResolveIgnoreAndEscalate_AreRecordedWithWhoAndWhy_AndFinalStatesRefuseMore()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(OnceBroken);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var run = await host.WaitForEndAsync((await host.StartRunAsync("once-broken")).RunId);
            ids.Add($"{run.RunId}.call.1");
        }

        var resolved = await host.Error(ids[0]).ResolveAsync("bob", "fixed by hand");
        var ignored = await host.Error(ids[1]).IgnoreAsync("carol", "known flake");
        var escalated = await host.Error(ids[2]).EscalateAsync("dave", "needs the vendor");

        Assert.Equal(ErrorRecoveryStatus.Resolved, resolved.RecoveryStatus);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(ErrorRecoveryStatus.Ignored, ignored.RecoveryStatus);
        Assert.Equal(ErrorRecoveryStatus.Escalated, escalated.RecoveryStatus);
        Assert.Equal(("resolve", "bob", "fixed by hand"), Last(resolved));
        Assert.Equal(("ignore", "carol", "known flake"), Last(ignored));
        Assert.Equal(("escalate", "dave", "needs the vendor"), Last(escalated));
        await Assert.ThrowsAsync<ErrorRecordConflictException>(() => host.Error(ids[0]).RetryAsync("eve", null));
        await Assert.ThrowsAsync<ErrorRecordConflictException>(() => host.Error(ids[0]).ResolveAsync("eve", null));
        await Assert.ThrowsAsync<ErrorRecordConflictException>(() => host.Error(ids[1]).IgnoreAsync("eve", null));
    }

    [Fact]
    public async Task AutomaticRecovery_Escalates_WhenItsAttemptsRunOut()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock, engine: o =>
        {
            o.ErrorRecoveryAttempts = 2;
            o.ErrorRecoveryDelay = TimeSpan.FromMinutes(1);
        });
        await host.PutAsync("""
            name: hopeless
            nodes:
              call: { type: fail, message: "always", retry: { maxAttempts: 1 } }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("hopeless")).RunId);
        var errorId = $"{run.RunId}.call.1";
        Assert.Equal(ErrorRecoveryStatus.RetryScheduled, (await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.RetryScheduled)).RecoveryStatus);

        clock.Advance(TimeSpan.FromMinutes(1));
        await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.RunFailed, 2);
        await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.RetryScheduled, minimumAttempts: 1);
        clock.Advance(TimeSpan.FromMinutes(2));
        var escalated = await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.Escalated);

        Assert.Equal(2, escalated.RecoveryAttempts);
        Assert.Equal("system", escalated.History.Last(h => h.Action == "escalate").By);
        // The run's events come on a stream of their own: the last attempt's start may arrive after the escalation.
        await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted, 3);
        Assert.Equal(3, host.Events(run.RunId).Count(e => e.Type == RunEventTypes.NodeStarted));
    }

    [Fact]
    public async Task Escalation_CallsTheWebhook_WithTheRecord()
    {
        await using var server = await Orchestrator.Grains.Tests.Nodes.LocalHttpServer.StartAsync();
        await using var host = await EngineHost.StartAsync(engine: o => o.EscalationWebhook = server.Url("/echo").ToString());
        await host.PutAsync(OnceBroken);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("once-broken")).RunId);

        var escalated = await host.Error($"{run.RunId}.call.1").EscalateAsync("dave", "page the owner");

        var webhook = escalated.History.Single(h => h.Action == "webhook");
        Assert.Contains("answered 200", webhook.Reason, StringComparison.Ordinal);
    }

    private static (string, string, string?) Last(ErrorRecordSnapshot record) =>
        (record.History[^1].Action, record.History[^1].By, record.History[^1].Reason);

    private static Task<ErrorRecordSnapshot> WaitForStatusAsync(EngineHost host, string errorId, ErrorRecoveryStatus status, int minimumAttempts = 0) =>
        host.WaitForErrorAsync(errorId, record => record.RecoveryStatus == status && record.RecoveryAttempts >= minimumAttempts);
}
