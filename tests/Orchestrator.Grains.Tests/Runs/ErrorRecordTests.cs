using Orchestrator.Errors;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
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
    public async Task AutomaticRecovery_OfAHighSeverityNode_BacksOffToItsCap_AndEscalatesWhenItsAttemptsRunOut()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock, engine: o => o.Recovery.High = new RecoveryPolicy
        {
            Attempts = 3,
            InitialDelay = TimeSpan.FromMinutes(1),
            Multiplier = 3,
            MaxDelay = TimeSpan.FromMinutes(5),
        });
        await host.PutAsync("""
            name: hopeless
            nodes:
              call: { type: fail, message: "always", severity: high, retry: { maxAttempts: 1 } }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("hopeless")).RunId);
        var errorId = $"{run.RunId}.call.1";

        // 1 minute, then 3 (times the multiplier), then 5 (9 capped at the longest delay).
        TimeSpan[] delays = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(5)];
        for (var attempt = 0; attempt < delays.Length; attempt++)
        {
            var scheduled = await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.RetryScheduled, minimumAttempts: attempt);
            Assert.Equal("high", scheduled.Severity);
            Assert.Equal(clock.GetUtcNow() + delays[attempt], scheduled.NextRetryAt);
            clock.Advance(delays[attempt]);
            await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.RunFailed, attempt + 2);
        }

        var escalated = await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.Escalated);
        Assert.Equal(3, escalated.RecoveryAttempts);
        Assert.Null(escalated.NextRetryAt);
        Assert.Equal("system", escalated.History.Last(h => h.Action == "escalate").By);
        // The run's events come on a stream of their own: the last attempt's start may arrive after the escalation.
        await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted, 4);
        Assert.Equal(4, host.Events(run.RunId).Count(e => e.Type == RunEventTypes.NodeStarted));
    }

    [Fact]
    public async Task AScheduledRecovery_GetsItsReminderBack_WhenTheRecordIsActivatedWithoutIt()
    {
        var clock = new FakeClock();
        var database = Path.Combine(Path.GetTempPath(), $"errors-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await EngineHost.StartAsync(clock, database, engine: o => o.Recovery.High = new RecoveryPolicy
            {
                Attempts = 1,
                InitialDelay = TimeSpan.FromMinutes(1),
            });
            await host.PutAsync("""
                name: hopeless
                nodes:
                  call: { type: fail, message: "always", severity: high, retry: { maxAttempts: 1 } }
                """);
            var run = await host.WaitForEndAsync((await host.StartRunAsync("hopeless")).RunId);
            var errorId = $"{run.RunId}.call.1";
            await WaitForStatusAsync(host, errorId, ErrorRecoveryStatus.RetryScheduled);
            Assert.Equal(["recovery"], await host.RemindersAsync(errorId, "error"));

            await host.ForgetRemindersAsync(errorId, "error");
            await host.RestartAsync();
            Assert.Equal(ErrorRecoveryStatus.RetryScheduled, (await host.Error(errorId).GetAsync())!.RecoveryStatus);

            Assert.Equal(["recovery"], await host.RemindersAsync(errorId, "error"));
            clock.Advance(TimeSpan.FromMinutes(1));
            await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted, 2);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }

    [Fact]
    public async Task DefaultPolicies_RetryHighAndCriticalRecordsOnTheirOwn_AndLeaveLowAndMediumToAPerson()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: graded
            nodes:
              unmarked: { type: fail, message: "no severity", onFailure: continue, retry: { maxAttempts: 1 } }
              minor:    { type: fail, message: "low", severity: low, onFailure: continue, retry: { maxAttempts: 1 } }
              major:    { type: fail, message: "high", severity: high, onFailure: continue, retry: { maxAttempts: 1 } }
              outage:   { type: fail, message: "critical", severity: critical, onFailure: continue, retry: { maxAttempts: 1 } }
            """);
        var run = await host.WaitForEndAsync((await host.StartRunAsync("graded")).RunId);
        var now = clock.GetUtcNow();

        var unmarked = await WaitForStatusAsync(host, $"{run.RunId}.unmarked.1", ErrorRecoveryStatus.Unresolved);
        var minor = await WaitForStatusAsync(host, $"{run.RunId}.minor.1", ErrorRecoveryStatus.Unresolved);
        var major = await WaitForStatusAsync(host, $"{run.RunId}.major.1", ErrorRecoveryStatus.RetryScheduled);
        var outage = await WaitForStatusAsync(host, $"{run.RunId}.outage.1", ErrorRecoveryStatus.RetryScheduled);

        Assert.Equal(("medium", 0, (DateTimeOffset?)null), (unmarked.Severity, unmarked.MaxRecoveryAttempts, unmarked.NextRetryAt));
        Assert.Equal(("low", 0, (DateTimeOffset?)null), (minor.Severity, minor.MaxRecoveryAttempts, minor.NextRetryAt));
        Assert.Equal(("high", 3, now + TimeSpan.FromMinutes(1)), (major.Severity, major.MaxRecoveryAttempts, major.NextRetryAt));
        Assert.Equal(("critical", 5, now + TimeSpan.FromSeconds(30)), (outage.Severity, outage.MaxRecoveryAttempts, outage.NextRetryAt));
        var listed = await host.Silo.Storage.Queries.QueryViewAsync(new ViewQuery(ErrorRecordState.ErrorsView, "graded", null, 10), CancellationToken.None);
        Assert.Contains(listed.Rows, row => row.GrainKey == outage.Id && row.Payload.Contains("\"severity\":\"critical\"", StringComparison.Ordinal));
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
