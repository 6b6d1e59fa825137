using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Diagnostics;
using Orchestrator.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>Runs node attempts outside grain turns and reports each outcome back to its run. A per-node timeout turns
/// into a failure; cancellation by the run (cancel, shutdown) into a cancelled result, which the run ignores. Each
/// attempt is a span (a child of its run's) and is measured (<see cref="EngineMetrics"/>).</summary>
public sealed partial class AttemptRunner(
    NodeExecutorRegistry executors,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    EngineMetrics metrics,
    ILogger<AttemptRunner> logger)
{
    /// <summary>What every log line written while an attempt runs (the executors', the nodes') carries.</summary>
    private static readonly Func<ILogger, string, string, int, string?, IDisposable?> AttemptScope =
        LoggerMessage.DefineScope<string, string, int, string?>("Run {RunId} node {Node} attempt {Attempt} trace {TraceId}");

    /// <summary>Span names by node name (node names are few; a span name per attempt would be an allocation each).</summary>
    private static readonly ConcurrentDictionary<string, string> SpanNames = new(StringComparer.Ordinal);

    public Task<FinishedAttempt> RunAsync(NodeInvocation invocation, CancellationToken runToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        return Task.Run(() => ExecuteAsync(invocation, runToken), CancellationToken.None);
    }

    /// <summary>Runs an attempt of a type that runs in the run's turn (<see cref="NodeTypes.RunsInTurn"/>) at once, on the
    /// caller's thread, with the same span, metrics and outcomes as <see cref="RunAsync"/>; null for any other type.</summary>
    public FinishedAttempt? RunInTurn(NodeInvocation invocation, CancellationToken runToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!NodeTypes.RunsInTurn(invocation.Definition.Type))
        {
            return null;
        }

        // Their executors answer with completed tasks, so this runs to its end before it returns.
        var attempt = ExecuteAsync(invocation, runToken);
        return attempt.IsCompleted
            ? attempt.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"The {invocation.Definition.Type} executor did not complete at once.");
    }

    private async Task<FinishedAttempt> ExecuteAsync(NodeInvocation invocation, CancellationToken runToken)
    {
        var type = invocation.Definition.Type;
        if (invocation.DecidedAt is { } decided)
        {
            metrics.AttemptDispatched(type, clock.GetUtcNow() - decided);
        }

        // The attempt belongs under its run's span, not under whatever span the grain turn that launched it had.
        Activity.Current = null;
        var span = StartSpan(invocation);
        using var scope = AttemptScope(logger, invocation.RunId, invocation.Node, invocation.Attempt, invocation.TraceId);
        var started = Stopwatch.GetTimestamp();
        var (result, outcome) = await AttemptAsync(invocation, runToken);
        metrics.AttemptFinished(type, outcome, Stopwatch.GetElapsedTime(started));
        if (span is not null)
        {
            span.SetTag(TraceTags.Outcome, outcome);
            if (!result.Succeeded && !result.Cancelled)
            {
                span.SetStatus(ActivityStatusCode.Error, result.Error);
            }

            span.SetEndTime(DateTime.UtcNow);
        }

        return new FinishedAttempt(result, span);
    }

    private static Activity? StartSpan(NodeInvocation invocation)
    {
        var source = OrchestratorTracing.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        var parent = OrchestratorTracing.ParseTraceParent(invocation.TraceParent);
        var span = source.StartActivity(SpanNames.GetOrAdd(invocation.Node, static node => $"node {node}"), ActivityKind.Internal, parent);
        if (span is { IsAllDataRequested: true })
        {
            // What tells attempts apart; the workflow, the silo and the rest are on the run's span, their parent.
            span.SetTag(TraceTags.RunId, invocation.RunId);
            span.SetTag(TraceTags.Node, invocation.Node);
            span.SetTag(TraceTags.NodeType, invocation.Definition.Type);
            span.SetTag(TraceTags.Attempt, invocation.Attempt);
            span.SetTag(TraceTags.Iteration, invocation.Iteration);
            span.SetTag(TraceTags.IdempotencyKey, invocation.IdempotencyKey);
            if (invocation.ItemIndex is { } index)
            {
                span.SetTag(TraceTags.ItemIndex, index);
            }
        }

        return span;
    }

    /// <summary>Runs the executor; the outcome is <c>succeeded</c>, <c>failed</c>, <c>timed_out</c> or <c>cancelled</c>.</summary>
    private async Task<(NodeAttemptResult Result, string Outcome)> AttemptAsync(NodeInvocation invocation, CancellationToken runToken)
    {
        var result = new NodeAttemptResult
        {
            Node = invocation.Node,
            Iteration = invocation.Iteration,
            Attempt = invocation.Attempt,
            ItemIndex = invocation.ItemIndex,
        };
        var timeout = invocation.Definition.Timeout is { } text ? Duration.Parse(text) : (TimeSpan?)null;
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, clock) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(runToken, timeoutSource.Token);
        try
        {
            var executor = executors.Get(invocation.Definition.Type);
            var outcome = await executor.ExecuteAsync(invocation, linked.Token);
            return (result with
            {
                Succeeded = true,
                Output = outcome.Output,
                AwaitingSubRun = outcome.SubRunId,
                AwaitingTask = outcome.TaskId,
                Logs = outcome.Logs,
            }, "succeeded");
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            return (result with { Cancelled = true, Error = "cancelled" }, "cancelled");
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            return (result with { Error = $"timed out after {Duration.Format(timeout!.Value)}" }, "timed_out");
        }
        catch (Exception e)
        {
            LogAttemptFailed(logger, invocation.RunId, invocation.Node, invocation.Attempt, e.Message);
            return (result with { Error = e is NodeExecutionException ? e.Message : $"{e.GetType().Name}: {e.Message}" }, "failed");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId}: attempt {Attempt} of node {Node} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string runId, string node, int attempt, string error);
}
