using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>Runs node attempts outside grain turns and reports each outcome back to its run. A per-node timeout turns
/// into a failure; cancellation by the run (cancel, shutdown) into a cancelled result, which the run ignores.</summary>
public sealed partial class AttemptRunner(NodeExecutorRegistry executors, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock, ILogger<AttemptRunner> logger)
{
    public Task<NodeAttemptResult> RunAsync(NodeInvocation invocation, CancellationToken runToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        return Task.Run(() => ExecuteAsync(invocation, runToken), CancellationToken.None);
    }

    private async Task<NodeAttemptResult> ExecuteAsync(NodeInvocation invocation, CancellationToken runToken)
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
            return result with
            {
                Succeeded = true,
                Output = outcome.Output,
                AwaitingSubRun = outcome.SubRunId,
                Logs = outcome.Logs,
            };
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            return result with { Cancelled = true, Error = "cancelled" };
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            return result with { Error = $"timed out after {Duration.Format(timeout!.Value)}" };
        }
        catch (Exception e)
        {
            LogAttemptFailed(logger, invocation.RunId, invocation.Node, invocation.Attempt, e.Message);
            return result with { Error = e is NodeExecutionException ? e.Message : $"{e.GetType().Name}: {e.Message}" };
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId}: attempt {Attempt} of node {Node} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string runId, string node, int attempt, string error);
}
