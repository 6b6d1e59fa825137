using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;
using Orchestrator.Workflows;

using Orchestrator.Reminders;

namespace Orchestrator.Runs;

/// <summary>One run of a workflow. Every change follows one pattern: change the state in memory and append events,
/// write both in one transaction, then announce the events and start the attempts the change made ready. Attempts
/// run outside turns and report back through <see cref="NodeAttemptFinishedAsync"/>; results that arrive together are
/// applied in one turn and one write.</summary>
[GrainType("run")]
internal sealed partial class RunGrain(
    [PersistentState("run")] IPersistentState<RunState> store,
    DefinitionCache definitions,
    IGrainStateQueries queries,
    AttemptRunner runner,
    EngineOptions options,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<RunGrain> logger) : OneShotReminderGrain, IRunGrain
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private readonly Dictionary<AttemptKey, CancellationTokenSource> _inFlight = [];
    private readonly ConcurrentQueue<NodeAttemptResult> _results = new();
    private readonly List<RunEvent> _unpublished = [];
    private readonly List<PendingLaunch> _launches = [];
    private readonly List<Func<Task>> _afterCommit = [];
    private CachedDefinition? _definition;

    private RunState Run => store.State;

    private WorkflowDefinition Definition => _definition!.Definition;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Run.Exists)
        {
            return;
        }

        await LoadDefinitionAsync(Run.Workflow, Run.Version);
        if (Run.Status is RunStatus.Running or RunStatus.Paused)
        {
            await RecoverAsync();
            CheckLoopsDetached();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Attempts still running are abandoned; the run retries them when it is activated again.
        foreach (var source in _inFlight.Values)
        {
            source.Cancel();
        }

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<RunSnapshot> StartAsync(StartRun command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Run.Exists)
        {
            return Snapshot();
        }

        var workflow = Factory.GetGrain<IWorkflowGrain>(command.Workflow);
        var (definition, version) = await workflow.GetDefinitionAsync(command.Version);
        var info = await workflow.GetInfoAsync();
        if (info is { Retired: true })
        {
            throw new InvalidOperationException($"Workflow '{command.Workflow}' is retired; no new runs start.");
        }

        _definition = definitions.GetOrAdd(version.Name, version.Version, definition);
        var now = clock.GetUtcNow();
        var state = new JsonObject();
        foreach (var (key, value) in definition.State)
        {
            state[key] = JsonNode.Parse(value.GetRawText());
        }

        if (command.Input is JsonObject input)
        {
            foreach (var (key, value) in input)
            {
                state[key] = value?.DeepClone();
            }
        }

        store.State = new RunState
        {
            RunId = this.GetPrimaryKeyString(),
            Workflow = version.Name,
            Version = version.Version,
            Status = RunStatus.Running,
            Input = command.Input?.DeepClone(),
            State = state,
            CreatedAt = now,
            StartedAt = now,
            IdempotencyKey = command.IdempotencyKey,
            Parent = command.Parent,
            Nodes = definition.Nodes.Keys.Where(name => !IsLoopNode(definition, name)).ToDictionary(name => name, _ => new NodeRunState(), StringComparer.Ordinal),
        };

        if (definition.Timeout is { } timeout)
        {
            var limit = Duration.Parse(timeout);
            Run.Deadline = now + limit;
            await ArmAsync(RunTimeoutReminder, limit);
        }

        Emit(RunEventTypes.RunCreated, data: new JsonObject { ["workflow"] = Run.Workflow, ["version"] = Run.Version, ["input"] = Run.Input?.DeepClone() });
        Emit(RunEventTypes.RunStarted, data: new JsonObject { ["state"] = Run.State.DeepClone() });
        StartLoops();
        if (Definition.IsGraph)
        {
            EnterGraphNode(Definition.Entry!, from: null);
        }

        Advance();
        await CommitAsync();
        return Snapshot();
    }

    public Task<RunSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Snapshot());
    }

    public async Task<IReadOnlyList<RunEvent>> GetEventsAsync(long afterSeq, int maxCount)
    {
        EnsureExists();
        var entries = await queries.ReadJournalAsync(this.GetGrainId(), afterSeq, Math.Clamp(maxCount, 1, 10_000), CancellationToken.None);
        return [.. entries.Select(entry => JsonSerializer.Deserialize<RunEvent>(entry.Payload, Json)!)];
    }

    public async Task<RunSnapshot> CancelAsync(string reason)
    {
        EnsureExists();
        if (Run.Status.IsFinished())
        {
            return Snapshot();
        }

        Finish(RunStatus.Cancelled, string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason);
        await CommitAsync();
        return Snapshot();
    }

    public async Task<RunSnapshot> PauseAsync()
    {
        EnsureExists();
        if (Run.Status != RunStatus.Running)
        {
            throw new InvalidOperationException($"Run {Run.RunId} is {RunState.StatusName(Run.Status)}; only a running run can be paused.");
        }

        Run.Status = RunStatus.Paused;
        Emit(RunEventTypes.RunPaused);
        var reason = $"run {Run.RunId} paused";
        ForEachRunningLoop(loop => loop.PauseAsync(reason));
        await CommitAsync();
        return Snapshot();
    }

    public async Task<RunSnapshot> ResumeAsync()
    {
        EnsureExists();
        if (Run.Status != RunStatus.Paused)
        {
            throw new InvalidOperationException($"Run {Run.RunId} is {RunState.StatusName(Run.Status)}; only a paused run can be resumed.");
        }

        Run.Status = RunStatus.Running;
        Emit(RunEventTypes.RunResumed);
        ForEachRunningLoop(loop => loop.ResumeAsync());
        ReleaseDueRetries();
        Advance();
        await CommitAsync();
        return Snapshot();
    }

    public async Task<RunSnapshot> SignalAsync(string name, JsonNode? data)
    {
        EnsureExists();
        if (Run.Status.IsFinished())
        {
            throw new InvalidOperationException($"Run {Run.RunId} is {RunState.StatusName(Run.Status)}; it takes no signals.");
        }

        if (string.IsNullOrEmpty(name))
        {
            if (data is not JsonObject values)
            {
                throw new ArgumentException("A signal without a name must carry an object, whose properties are merged into the state.", nameof(data));
            }

            MergeIntoState(values);
        }
        else
        {
            Run.State[name] = data?.DeepClone();
        }

        Emit(RunEventTypes.RunSignalled, data: new JsonObject { ["name"] = name, ["data"] = data?.DeepClone() });
        Advance();
        await CommitAsync();
        return Snapshot();
    }

    public async Task NodeAttemptFinishedAsync(NodeAttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!Run.Exists)
        {
            return;
        }

        var batch = new List<NodeAttemptResult> { result };
        while (_results.TryDequeue(out var queued))
        {
            if (!ReferenceEquals(queued, result))
            {
                batch.Add(queued);
            }
        }

        var changed = false;
        foreach (var item in batch)
        {
            changed |= ApplyResult(item);
        }

        if (changed)
        {
            Advance();
            await CommitAsync();
        }
    }

    public async Task SubRunFinishedAsync(string childRunId, RunSnapshot child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (!Run.Exists || child.Parent is null)
        {
            return;
        }

        var link = child.Parent;
        var result = new NodeAttemptResult
        {
            Node = link.Node,
            Iteration = link.Iteration,
            Attempt = link.Attempt,
            ItemIndex = SubRunItemIndex(link.Node, childRunId),
            Succeeded = child.Status == RunStatus.Completed,
            Output = new JsonObject
            {
                ["runId"] = childRunId,
                ["status"] = RunState.StatusName(child.Status),
                ["state"] = child.State.DeepClone(),
            },
            Error = child.Status == RunStatus.Completed ? null : $"sub-run {childRunId} {RunState.StatusName(child.Status)}: {child.Error}",
            SubRunFinished = true,
        };
        await NodeAttemptFinishedAsync(result);
    }

    protected override async Task OnReminderAsync(string reminderName)
    {
        if (!Run.Exists || Run.Status.IsFinished())
        {
            return;
        }

        if (reminderName == RunTimeoutReminder)
        {
            Finish(RunStatus.Failed, $"run timed out after {Definition.Timeout}");
            await CommitAsync();
            return;
        }

        if (Run.Status == RunStatus.Running && ReleaseDueRetries())
        {
            Advance();
            await CommitAsync();
        }
    }

    private void EnsureExists()
    {
        if (!Run.Exists)
        {
            throw new KeyNotFoundException($"Run '{this.GetPrimaryKeyString()}' does not exist.");
        }
    }

    private async Task LoadDefinitionAsync(string workflow, int version) =>
        _definition = await definitions.GetAsync(Factory, workflow, version);

    private void MergeIntoState(JsonObject values)
    {
        foreach (var (key, value) in values)
        {
            Run.State[key] = value?.DeepClone();
        }
    }

    private sealed record PendingLaunch(AttemptKey Key, Nodes.NodeInvocation Invocation);
}
