using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Providers.Streams;
using Orchestrator.Workflows;

using Orchestrator.Reminders;

namespace Orchestrator.Schedules;

/// <summary>A schedule of workflow runs. The next fire time lives in the stored state and is computed from the
/// definition and the clock; a one-shot durable reminder is due at it. Each delivery first decides what the due
/// occurrences do (misfire policy) and stores that decision, then carries it out (overlap policy), recording every
/// fire's run id or why it skipped. A fire's run id comes from an idempotency key made of the schedule and the
/// occurrence, so a fire delivered again after a crash finds its run instead of starting a second one.</summary>
[GrainType("schedule")]
internal sealed partial class ScheduleGrain(
    [PersistentState("schedule")] IPersistentState<ScheduleState> store,
    ScheduleOptions options,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<ScheduleGrain> logger) : OneShotReminderGrain, IScheduleGrain
{
    private const string FireReminder = "fire";
    private const string BufferReminder = "buffer";

    /// <summary>The most occurrences fired late but on time in one delivery (a 100 ms interval over a one-minute
    /// threshold is 600); any older ones count as missed.</summary>
    private const int MaxOnTimeFires = 1_000;

    private readonly List<ScheduleExecution> _unannounced = [];
    private ScheduleSpec? _spec;

    private ScheduleState Schedule => store.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Schedule.Exists)
        {
            return;
        }

        try
        {
            _spec = ScheduleValidator.Validate(Schedule.Definition, Id, Schedule.DefinedAt);
        }
        catch (ScheduleInvalidException e)
        {
            // The definition was valid when stored; a time zone may have gone from this machine since.
            LogDefinitionUnreadable(logger, e, Id);
            return;
        }

        await EnsureRemindersAsync();
    }

    public async Task<ScheduleSnapshot> CreateAsync(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Schedule.Exists)
        {
            throw new ScheduleConflictException($"Schedule '{Id}' already exists.");
        }

        var now = clock.GetUtcNow();
        var spec = ScheduleValidator.Validate(definition, Id, now);
        await StoreTaskWorkflowAsync(spec);
        store.State = new ScheduleState { Id = Id, CreatedAt = now, Enabled = definition.Enabled ?? true };
        Define(definition, spec, now);
        await SaveAsync();
        await ArmAsync(now);
        return Snapshot();
    }

    public async Task<ScheduleSnapshot> UpdateAsync(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        EnsureExists();
        var now = clock.GetUtcNow();
        var spec = ScheduleValidator.Validate(definition, Id, now);
        await StoreTaskWorkflowAsync(spec);
        if (definition.Enabled is { } enabled)
        {
            Schedule.Enabled = enabled;
        }

        Define(definition, spec, now);
        if (!Schedule.Enabled)
        {
            DropWaitingFires(now, "the schedule was disabled");
            await DisarmAsync(BufferReminder);
        }

        await SaveAsync();
        await ArmAsync(now);
        await AnnounceAsync();
        return Snapshot();
    }

    public async Task DeleteAsync()
    {
        EnsureExists();
        await DisarmAsync(FireReminder);
        await DisarmAsync(BufferReminder);
        if (Schedule.Definition.Task is not null)
        {
            try
            {
                await Factory.GetGrain<IWorkflowGrain>(Schedule.Workflow).RetireAsync();
            }
            catch (WorkflowNotFoundException)
            {
                // Never stored: nothing to retire.
            }
        }

        await store.ClearStateAsync();
        _spec = null;
        DeactivateOnIdle();
    }

    public async Task<ScheduleSnapshot> EnableAsync()
    {
        EnsureExists();
        if (!Schedule.Enabled)
        {
            var now = clock.GetUtcNow();
            Schedule.Enabled = true;
            Schedule.NextFireAt = RequireSpec().Calendar.NextAfter(now);
            Schedule.NextJitter = DrawJitter();
            await SaveAsync();
            await ArmAsync(now);
        }

        return Snapshot();
    }

    public async Task<ScheduleSnapshot> DisableAsync()
    {
        EnsureExists();
        if (Schedule.Enabled)
        {
            var now = clock.GetUtcNow();
            Schedule.Enabled = false;
            Schedule.NextFireAt = null;
            DropWaitingFires(now, "the schedule was disabled");
            await SaveAsync();
            await DisarmAsync(FireReminder);
            await DisarmAsync(BufferReminder);
            await AnnounceAsync();
        }

        return Snapshot();
    }

    public async Task<ScheduleExecution> TriggerAsync()
    {
        EnsureExists();
        var spec = RequireSpec();
        var now = clock.GetUtcNow();
        // Each trigger is a run of its own, even two in the same instant.
        var key = $"schedule:{Id}:{Schedule.CreatedAt.UtcTicks}:manual:{now.UtcDateTime:O}:{Guid.NewGuid():N}";
        var execution = await StartRunAsync(spec, now, now, key, reason: null, manual: true);
        await SaveAsync();
        await AnnounceAsync();
        return execution;
    }

    public Task<ScheduleSnapshot?> GetAsync() => Task.FromResult(Schedule.Exists ? Snapshot() : null);

    public Task<IReadOnlyList<ScheduleExecution>> GetExecutionsAsync(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        EnsureExists();
        IReadOnlyList<ScheduleExecution> newestFirst = [.. Enumerable.Reverse(Schedule.Executions).Take(limit)];
        return Task.FromResult(newestFirst);
    }

    public Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1000);
        EnsureExists();
        var calendar = RequireSpec().Calendar;
        var times = new List<DateTimeOffset>(count);
        var after = clock.GetUtcNow();
        while (times.Count < count && calendar.NextAfter(after) is { } next)
        {
            times.Add(next);
            after = next;
        }

        return Task.FromResult<IReadOnlyList<DateTimeOffset>>(times);
    }

    private void Define(ScheduleDefinition definition, ScheduleSpec spec, DateTimeOffset now)
    {
        _spec = spec;
        Schedule.Definition = definition with { Enabled = null };
        Schedule.Workflow = spec.Workflow;
        Schedule.Kind = spec.Kind;
        Schedule.DefinedAt = now;
        Schedule.NextFireAt = Schedule.Enabled ? spec.Calendar.NextAfter(now) : null;
        Schedule.NextJitter = DrawJitter();
    }

    private async Task StoreTaskWorkflowAsync(ScheduleSpec spec)
    {
        if (spec.TaskWorkflow is not { } workflow)
        {
            return;
        }

        try
        {
            await Factory.GetGrain<IWorkflowGrain>(spec.Workflow).PutAsync(workflow);
        }
        catch (DefinitionInvalidException e)
        {
            throw new ScheduleInvalidException([.. e.Problems.Select(p => new ScheduleProblem($"task.{p.Path}", p.Message))]);
        }
    }

    /// <summary>Registers the fire reminder for what comes next (decided fires at once, else the next occurrence), or
    /// removes it when nothing comes.</summary>
    private async Task ArmAsync(DateTimeOffset now)
    {
        if (Schedule.Enabled && (Schedule.PendingFires.Count > 0 || Schedule.NextFireAt is not null))
        {
            var dueAt = Schedule.PendingFires.Count > 0 ? now : Schedule.NextFireAt!.Value + Schedule.NextJitter;
            var due = dueAt - now;
            await ArmAsync(FireReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due);
        }
        else
        {
            await DisarmAsync(FireReminder);
        }
    }

    /// <summary>On activation: the next fire is armed again, so that its timer runs in this activation (the durable
    /// reminder stays as the backstop), and a schedule whose state was written but whose reminder was not (a crash in
    /// between) gets its reminder back.</summary>
    private async Task EnsureRemindersAsync()
    {
        if (!Schedule.Enabled)
        {
            return;
        }

        // Decided fires not yet carried out are carried out at once, whatever reminder is registered.
        var now = clock.GetUtcNow();
        if (Schedule.PendingFires.Count > 0 || Schedule.NextFireAt is not null)
        {
            await ArmAsync(now);
        }

        if (Schedule.BufferedFor is not null)
        {
            await ArmAsync(BufferReminder, options.BufferCheckInterval);
        }
    }

    private async Task SaveAsync()
    {
        Schedule.UpdatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
    }

    /// <summary>Announces the executions recorded by this turn, once they are stored and the next reminder is registered.</summary>
    private async Task AnnounceAsync()
    {
        if (_unannounced.Count == 0)
        {
            return;
        }

        var stream = TopicProviders.Get(Services, TopicProviderNames.Memory)
            .GetTopic<ScheduleExecutionEvent>(StreamId.Create(IScheduleGrain.StreamNamespace, IScheduleGrain.AllSchedulesStreamKey));
        foreach (var execution in _unannounced)
        {
            await stream.OnNextAsync(new ScheduleExecutionEvent(Id, Schedule.Definition.Name, Schedule.Workflow, execution));
        }

        _unannounced.Clear();
    }

    private TimeSpan DrawJitter()
    {
        var jitter = _spec?.Jitter ?? TimeSpan.Zero;
        return jitter > TimeSpan.Zero ? TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * jitter.Ticks)) : TimeSpan.Zero;
    }

    private ScheduleSpec RequireSpec() =>
        _spec ?? throw new ScheduleConflictException($"Schedule '{Id}' has a definition this silo cannot read; update it.");

    private void EnsureExists()
    {
        if (!Schedule.Exists)
        {
            throw new ScheduleNotFoundException($"Schedule '{Id}' does not exist.");
        }
    }

    private ScheduleSnapshot Snapshot()
    {
        var definition = Schedule.Definition;
        return new ScheduleSnapshot
        {
            Id = Schedule.Id!,
            Name = definition.Name,
            Workflow = Schedule.Workflow,
            Version = definition.Version,
            Input = definition.Input?.DeepClone(),
            Kind = Schedule.Kind,
            Cron = definition.Cron,
            Every = definition.Every,
            StartAt = _spec?.StartAt,
            At = _spec?.At,
            TimeZone = _spec?.Zone.Id ?? definition.TimeZone ?? "UTC",
            Misfire = _spec?.Misfire ?? definition.Misfire ?? MisfirePolicies.FireOnce,
            MisfireLimit = _spec?.Misfire == MisfirePolicies.FireAll ? _spec.MisfireLimit : definition.MisfireLimit,
            Overlap = _spec?.Overlap ?? definition.Overlap ?? OverlapPolicies.Skip,
            Enabled = Schedule.Enabled,
            Jitter = definition.Jitter,
            Task = definition.Task is { } task ? task with { Config = task.Config?.DeepClone().AsObject() } : null,
            NextFireAt = Schedule.NextFireAt,
            LastFireAt = Schedule.LastFireAt,
            LastOutcome = Schedule.LastOutcome,
            LastRunId = Schedule.LastRunId,
            BufferedFor = Schedule.BufferedFor,
            CreatedAt = Schedule.CreatedAt,
            UpdatedAt = Schedule.UpdatedAt,
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId}: its stored definition can no longer be read; it does not fire until it is updated")]
    private static partial void LogDefinitionUnreadable(ILogger logger, Exception exception, string scheduleId);
}
