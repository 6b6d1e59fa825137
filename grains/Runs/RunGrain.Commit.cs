using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Runs;

/// <summary>Making changes durable and then acting on them: events are announced only after they are written, and
/// attempts start only after the write that marked them running.</summary>
internal sealed partial class RunGrain
{
    private readonly List<Func<Task>> _beforeCommit = [];

    /// <summary>Follow-ups that need this activation (its reminders), run in the turn once the write is durable.</summary>
    private readonly List<Func<Task>> _afterCommitInTurn = [];

    private void Emit(string type, string? node = null, int? iteration = null, int? attempt = null, JsonNode? data = null) =>
        _unpublished.Add(Run.Append(new RunEvent
        {
            Type = type,
            RunId = Run.RunId!,
            Node = node,
            Iteration = iteration,
            Attempt = attempt,
            Timestamp = clock.GetUtcNow(),
            Data = data,
        }, Json));

    private async Task CommitAsync()
    {
        foreach (var action in _beforeCommit)
        {
            await action();
        }

        _beforeCommit.Clear();
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // The state in memory may now disagree with storage: forget this turn's work and read what is stored.
            _unpublished.Clear();
            _launches.Clear();
            _afterCommit.Clear();
            _afterCommitInTurn.Clear();
            Run.DiscardPendingJournal();
            await store.ReadStateAsync();
            throw;
        }

        Publish();
        Launch();
        foreach (var action in _afterCommitInTurn)
        {
            await action();
        }

        _afterCommitInTurn.Clear();
        DelayDeactivation(_inFlight.Count > 0 || WaitsForSubRuns() ? TimeSpan.FromDays(1) : TimeSpan.FromSeconds(-1));
        var actions = _afterCommit.ToArray();
        _afterCommit.Clear();
        _turnContext = null;
        if (actions.Length > 0)
        {
            // Notifications to other grains (parent, sub-runs, error records) run outside this turn: awaiting them here
            // would deadlock when the other grain calls back (a cancelled sub-run telling its parent it ended).
            var runId = Run.RunId!;
            _ = Task.Run(() => RunDetachedAsync(actions, runId));
        }
    }

    private async Task RunDetachedAsync(Func<Task>[] actions, string runId)
    {
        foreach (var action in actions)
        {
            try
            {
                await action();
            }
            catch (Exception e)
            {
                LogAfterCommitFailed(logger, e, runId);
            }
        }
    }

    private void Publish()
    {
        if (_unpublished.Count == 0)
        {
            return;
        }

        var provider = TopicProviders.Get(Services, TopicProviderNames.Memory);
        var runStream = provider.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, Run.RunId!));
        var allRuns = provider.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey));
        foreach (var runEvent in _unpublished)
        {
            // Memory streams never block the publisher; the returned tasks are already complete.
            _ = runStream.OnNextAsync(runEvent);
            _ = allRuns.OnNextAsync(runEvent);
        }

        _unpublished.Clear();
    }

    private void Launch()
    {
        if (_launches.Count == 0)
        {
            return;
        }

        var self = Factory.GetGrain<IRunGrain>(this.GetPrimaryKeyString());
        foreach (var launch in _launches)
        {
            var source = new CancellationTokenSource();
            _inFlight[launch.Key] = source;
            runner.RunAsync(launch.Invocation, source.Token).ContinueWith(
                async attempt =>
                {
                    var result = await attempt;
                    _results.Enqueue(result);
                    try
                    {
                        await self.NodeAttemptFinishedAsync(result);
                    }
                    catch (Exception e)
                    {
                        // The run retries the attempt after a restart; nothing else can be done here.
                        LogReportFailed(logger, e, result.Node, Run.RunId ?? "?");
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default).Unwrap();
        }

        _launches.Clear();
    }

    private bool WaitsForSubRuns() =>
        Run.Nodes.Values.Any(node => node.SubRunId is not null || (node.Items?.Any(item => item.SubRunId is not null) ?? false));

    private RunSnapshot Snapshot() => new()
    {
        RunId = Run.RunId!,
        Workflow = Run.Workflow,
        Version = Run.Version,
        Status = Run.Status,
        State = (JsonObject)Run.State.DeepClone(),
        Input = Run.Input?.DeepClone(),
        Error = Run.Error,
        CreatedAt = Run.CreatedAt,
        StartedAt = Run.StartedAt,
        FinishedAt = Run.FinishedAt,
        CurrentNode = Run.CurrentNode,
        IdempotencyKey = Run.IdempotencyKey,
        Parent = Run.Parent,
        Nodes = Run.Nodes.ToDictionary(
            pair => pair.Key,
            pair => new NodeSnapshot
            {
                Status = pair.Value.Status,
                Attempts = pair.Value.Items is { } items ? items.Sum(i => i.Attempts) : pair.Value.Attempts,
                Iterations = pair.Value.Iterations,
                StartedAt = pair.Value.StartedAt,
                FinishedAt = pair.Value.FinishedAt,
                NextAttemptAt = pair.Value.NextAttemptAt,
                Output = pair.Value.Output?.DeepClone(),
                Error = pair.Value.Error,
            },
            StringComparer.Ordinal),
        Loops = new Dictionary<string, Loops.LoopStatus>(Run.Loops, StringComparer.Ordinal),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: a follow-up action after a write failed")]
    private static partial void LogAfterCommitFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: the outcome of node {Node} could not be reported; it is retried after a restart")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string node, string runId);
}
