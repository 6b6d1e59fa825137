using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Diagnostics;
using Orchestrator.Errors;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Diagnostics;

/// <summary>The engine's other spans: schedule fires, queue traffic between loops, loop iterations and actions on error
/// records.</summary>
public sealed class EngineTracingTests(TracedEngine engine) : IClassFixture<TracedEngine>
{
    private EngineHost Host => engine.Host;

    [Fact]
    public async Task ScheduleFire_IsTheParentOfTheRunItStarts()
    {
        await Host.PutAsync("""
            name: traced-scheduled
            nodes:
              only: { type: noop }
            """);
        var id = $"traced-{Guid.NewGuid():N}";
        await Host.Grains.GetGrain<IScheduleGrain>(id).CreateAsync(new ScheduleDefinition { Name = "hourly", Workflow = "traced-scheduled", Every = "1h" });

        var execution = await Host.Grains.GetGrain<IScheduleGrain>(id).TriggerAsync();
        var run = await Host.WaitForEndAsync(execution.RunId!);

        var spans = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(x => x.DisplayName == "run traced-scheduled") && s.Any(IsFire));
        var fire = Assert.Single(spans, IsFire);
        Assert.Equal(id, fire.GetTagItem(TraceTags.ScheduleId));
        Assert.Equal(execution.RunId, fire.GetTagItem(TraceTags.RunId));
        Assert.Equal(fire.SpanId, Assert.Single(spans, s => s.DisplayName == "run traced-scheduled").ParentSpanId);
    }

    [Fact]
    public async Task QueueConsumer_IterationSpanLinksToThePushThatProducedItsMessage()
    {
        var queue = $"traced-{Guid.NewGuid():N}";
        await Host.PutAsync($$"""
            name: traced-queue
            nodes:
              push: { type: queue.push, queue: {{queue}}, value: "${input.n}" }
              take: { type: noop }
            loops:
              consume:
                pool: async
                producer: { type: queue, queue: {{queue}} }
                chain: [ { node: take } ]
            """);

        var run = await Host.StartRunAsync("traced-queue", new JsonObject { ["n"] = 7 });
        try
        {
            var push = await engine.Spans.WaitForSpanAsync("queue.push", s => s.DisplayName == $"queue.push {queue}" && s.TraceId.ToHexString() == run.TraceId);
            Assert.Equal(ActivityKind.Producer, push.Kind);
            var attempts = await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(x => x.DisplayName == "node push"));
            Assert.Equal(push.ParentSpanId, Assert.Single(attempts, s => s.DisplayName == "node push").SpanId);

            var consume = await engine.Spans.WaitForSpanAsync("loop consume", s => s.DisplayName == "loop consume" && (string?)s.GetTagItem(TraceTags.RunId) == run.RunId);
            Assert.Equal(ActivityKind.Consumer, consume.Kind);
            Assert.Equal(queue, consume.GetTagItem(TraceTags.Queue));
            var link = Assert.Single(consume.Links);
            Assert.Equal(push.TraceId, link.Context.TraceId);
            Assert.Equal(push.SpanId, link.Context.SpanId);
        }
        finally
        {
            await Host.Run(run.RunId).CancelAsync("done");
        }
    }

    [Fact]
    public async Task ErrorRecordAction_HasASpanLinkedToTheFailedRun()
    {
        await Host.PutAsync("""
            name: traced-failing
            nodes:
              broken: { type: fail, message: "no", retry: { maxAttempts: 1 } }
            """);

        var started = await Host.StartRunAsync("traced-failing");
        var run = await Host.WaitForEndAsync(started.RunId);
        Assert.Equal(RunStatus.Failed, run.Status);
        var errorId = (string)Assert.Single(Host.Events(run.RunId), e => e.Type == RunEventTypes.ErrorRecorded).Data!["errorId"]!;
        await Host.Error(errorId).IgnoreAsync("alice", "known flake");

        var action = await engine.Spans.WaitForSpanAsync("error ignore", s => s.DisplayName == "error ignore" && (string?)s.GetTagItem(TraceTags.ErrorId) == errorId);
        Assert.Equal("ignore", action.GetTagItem(TraceTags.ErrorAction));
        var runSpan = (await engine.Spans.WaitForTraceAsync(run.TraceId!, s => s.Any(x => x.DisplayName == "run traced-failing"))).Single(s => s.DisplayName == "run traced-failing");
        var link = Assert.Single(action.Links);
        Assert.Equal(runSpan.TraceId, link.Context.TraceId);
        Assert.Equal(runSpan.SpanId, link.Context.SpanId);
    }

    private static bool IsFire(Activity span) => span.DisplayName == "schedule fire hourly";
}
