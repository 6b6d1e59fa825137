using System.Diagnostics;
using Orchestrator.Diagnostics;
using Orchestrator.Loops.Producers;

namespace Orchestrator.Loops;

/// <summary>The span of a loop iteration, for one iteration in <see cref="Runs.Engine.EngineOptions.TraceLoopEvery"/>
/// (a loop may run thousands a second). Each is the root of a trace of its own, tagged with its loop and run, and an
/// iteration started by a queue message links to the span that pushed it. Node calls inside (HTTP, processes, the
/// worker) carry it on.</summary>
internal static class LoopIterationSpan
{
    public static Activity? Start(LoopRunnerSetup setup, long iteration, LoopTrigger trigger)
    {
        var every = setup.Engine.TraceLoopEvery;
        if (every <= 0 || iteration % every != 0 || !OrchestratorTracing.Source.HasListeners())
        {
            return null;
        }

        var producer = OrchestratorTracing.ParseTraceParent(trigger.TraceParent);
        ActivityLink[]? links = producer == default ? null : [new ActivityLink(producer)];
        var span = OrchestratorTracing.Source.StartActivity(
            trigger.Queue is null ? ActivityKind.Internal : ActivityKind.Consumer,
            parentContext: default,
            links: links,
            name: $"loop {setup.Loop}");
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TraceTags.LoopId, setup.LoopId);
            span.SetTag(TraceTags.RunId, setup.RunId);
            span.SetTag(TraceTags.Workflow, setup.Workflow);
            span.SetTag(TraceTags.Iteration, iteration);
            if (trigger.Queue is { } queue)
            {
                span.SetTag(TraceTags.MessagingSystem, "orchestrator");
                span.SetTag(TraceTags.MessagingOperation, "process");
                span.SetTag(TraceTags.Queue, queue);
            }
        }

        return span;
    }
}
