using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Diagnostics;
using Orchestrator.Grains.Tests.Nodes;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Runs;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Diagnostics;

/// <summary>Runs as traces: the run's span under the span that started it, each node attempt under the run's, and the
/// trace handed on to what the attempts call.</summary>
public sealed class RunTracingTests(TracedEngine engine) : IClassFixture<TracedEngine>
{
    private EngineHost Host => engine.Host;

    [Fact]
    public async Task Run_IsAChildOfTheStartingSpan_AndEachAttemptAChildOfTheRun()
    {
        await Host.PutAsync("""
            name: traced-dag
            nodes:
              first: { type: noop }
              second: { type: set, dependsOn: [first], values: { done: "true" } }
            """);
        var parent = TracedEngine.NewTraceParent();
        var runId = RunIds.New(TimeProvider.System);

        await Host.Run(runId).StartAsync(new StartRun { Workflow = "traced-dag", TraceParent = parent });
        var run = await Host.WaitForEndAsync(runId);

        var traceId = parent.Split('-')[1];
        Assert.Equal(traceId, run.TraceId);
        var started = Assert.Single(Host.Events(runId), e => e.Type == RunEventTypes.RunStarted);
        Assert.Equal(traceId, (string?)started.Data!["traceId"]);
        var spans = await engine.Spans.WaitForTraceAsync(traceId, s => s.Any(IsRun) && s.Count(IsAttempt) == 2);
        var runSpan = Assert.Single(spans, IsRun);
        Assert.Equal("run traced-dag", runSpan.DisplayName);
        Assert.Equal(parent.Split('-')[2], runSpan.ParentSpanId.ToHexString());
        Assert.Equal(run.StartedAt!.Value.UtcDateTime, runSpan.StartTimeUtc);
        Assert.Equal(run.FinishedAt!.Value.UtcDateTime, runSpan.StartTimeUtc + runSpan.Duration);
        Assert.Equal(runId, runSpan.GetTagItem(TraceTags.RunId));
        Assert.Equal("completed", runSpan.GetTagItem(TraceTags.RunStatus));
        foreach (var node in new[] { "first", "second" })
        {
            var attempt = Assert.Single(spans, s => s.DisplayName == $"node {node}");
            Assert.Equal(runSpan.SpanId, attempt.ParentSpanId);
            Assert.Equal("succeeded", attempt.GetTagItem(TraceTags.Outcome));
            Assert.Equal(1, attempt.GetTagItem(TraceTags.Attempt));
            Assert.Equal($"{runId}/{node}/1/1", attempt.GetTagItem(TraceTags.IdempotencyKey));
        }
    }

    [Fact]
    public async Task Run_StartedWithoutASpan_IsTheRootOfANewTrace()
    {
        await Host.PutAsync("""
            name: traced-root
            nodes:
              only: { type: noop }
            """);

        var run = await Host.StartRunAsync("traced-root");
        await Host.WaitForEndAsync(run.RunId);

        Assert.Matches("^[0-9a-f]{32}$", run.TraceId);
        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(IsRun) && s.Any(IsAttempt));
        var runSpan = Assert.Single(spans, IsRun);
        Assert.Equal(default, runSpan.ParentSpanId);
        Assert.Equal(runSpan.SpanId, Assert.Single(spans, IsAttempt).ParentSpanId);
    }

    [Fact]
    public async Task ShellNode_SeesTraceParent_OfItsAttemptInTheRunsTrace()
    {
        await Host.PutAsync("""
            name: traced-shell
            nodes:
              print: { type: shell, command: ["sh", "-c", "printf '{\"traceparent\":\"%s\"}' \"$TRACEPARENT\""] }
            """);

        var started = await Host.StartRunAsync("traced-shell");
        var run = await Host.WaitForEndAsync(started.RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(IsAttempt));
        var attempt = Assert.Single(spans, IsAttempt);
        Assert.Equal($"00-{run.TraceId}-{attempt.SpanId}-01", (string?)run.State["traceparent"]);
    }

    [Fact]
    public async Task HttpNode_SendsTraceParent_OfItsAttemptInTheRunsTrace()
    {
        await using var server = await LocalHttpServer.StartAsync();
        await Host.PutAsync($$"""
            name: traced-http
            nodes:
              call: { type: http, method: POST, url: "{{server.Url("/echo")}}", body: { a: 1 } }
            """);

        var started = await Host.StartRunAsync("traced-http");
        var run = await Host.WaitForEndAsync(started.RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(IsAttempt));
        var attempt = Assert.Single(spans, IsAttempt);
        var received = (string?)run.Nodes["call"].Output!["body"]!["traceparent"];
        Assert.Equal($"00-{run.TraceId}-{attempt.SpanId}-01", received);
    }

    [Fact]
    public async Task SubRun_IsAChildOfTheParentsWorkflowNodeAttempt_InTheSameTrace()
    {
        await Host.PutAsync("""
            name: traced-child
            nodes:
              inner: { type: noop }
            """);
        await Host.PutAsync("""
            name: traced-parent
            nodes:
              sub: { type: workflow, workflow: traced-child }
            """);

        var started = await Host.StartRunAsync("traced-parent");
        var run = await Host.WaitForEndAsync(started.RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Count(IsRun) == 2 && s.Count(IsAttempt) == 2);
        var parentRun = Assert.Single(spans, s => s.DisplayName == "run traced-parent");
        var childRun = Assert.Single(spans, s => s.DisplayName == "run traced-child");
        var subAttempt = Assert.Single(spans, s => s.DisplayName == "node sub");
        Assert.Equal(parentRun.SpanId, subAttempt.ParentSpanId);
        Assert.Equal(subAttempt.SpanId, childRun.ParentSpanId);
        Assert.Equal(childRun.SpanId, Assert.Single(spans, s => s.DisplayName == "node inner").ParentSpanId);
    }

    [Fact]
    public async Task RetriedNode_HasOneSpanPerAttempt_WithItsOutcomeAndTheRetryDelay()
    {
        var clock = new FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: traced-flaky
            nodes:
              call: { type: fail, times: 2, message: "try again", retry: { maxAttempts: 3, initialDelay: 1s, multiplier: 3 } }
            """);

        var run = await host.StartRunAsync("traced-flaky");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled);
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.WaitForCountAsync(run.RunId, e => e.Type == RunEventTypes.NodeRetryScheduled, 2);
        clock.Advance(TimeSpan.FromSeconds(3));
        await host.WaitForEndAsync(run.RunId);

        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(IsRun) && s.Count(IsAttempt) == 3);
        var runSpan = Assert.Single(spans, IsRun);
        var attempts = spans.Where(IsAttempt).OrderBy(s => (int)s.GetTagItem(TraceTags.Attempt)!).ToList();
        Assert.Equal([1, 2, 3], attempts.Select(s => (int)s.GetTagItem(TraceTags.Attempt)!));
        Assert.All(attempts, s => Assert.Equal(runSpan.SpanId, s.ParentSpanId));
        Assert.Equal(["failed", "failed", "succeeded"], attempts.Select(s => (string)s.GetTagItem(TraceTags.Outcome)!));
        Assert.Equal([1000L, 3000L, null], attempts.Select(s => (long?)s.GetTagItem(TraceTags.RetryDelay)));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal("try again", attempts[0].StatusDescription);
    }

    private static bool IsRun(Activity span) => span.DisplayName.StartsWith("run ", StringComparison.Ordinal);

    private static bool IsAttempt(Activity span) => span.DisplayName.StartsWith("node ", StringComparison.Ordinal);
}
