using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net.Http.Json;
using Orchestrator.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Loops;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;

using Orchestrator.Reminders;

namespace Orchestrator.Errors;

/// <summary>A node failure and its recovery: <c>unresolved → retry_scheduled → retrying → resolved</c>, or
/// <c>ignored</c>, or <c>escalated</c> (by a person, or automatically when the automatic recovery attempts run out).
/// Every action is recorded with who, when and why.</summary>
[GrainType("error")]
internal sealed partial class ErrorRecordGrain(
    [PersistentState("error")] IPersistentState<ErrorRecordState> store,
    IHttpClientFactory httpClients,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<ErrorRecordGrain> logger) : OneShotReminderGrain, IErrorRecordGrain, IErrorRecordEngineGrain
{
    private const string RecoveryReminder = "recovery";
    private const string System = "system";

    private ErrorRecordState Record => store.State;

    /// <summary>A scheduled recovery attempt gets its reminder back if the reminder service does not hold it (its
    /// registration was refused and the activation that armed the timer is gone).</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Record.Status == ErrorRecoveryStatus.RetryScheduled && Record.NextRetryAt is { } at)
        {
            await RestoreAsync(RecoveryReminder, at - clock.GetUtcNow());
        }
    }

    public async Task<ErrorRecordSnapshot> CreateAsync(NewErrorRecord error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Record.Id is not null)
        {
            return Record.ToSnapshot();
        }

        var now = clock.GetUtcNow();
        store.State = new ErrorRecordState
        {
            Id = this.GetPrimaryKeyString(),
            RunId = error.RunId,
            Workflow = error.Workflow,
            Node = error.Node,
            Iteration = error.Iteration,
            Loop = error.Loop,
            Attempts = error.Attempts,
            Error = error.Error,
            Input = error.Input?.DeepClone(),
            Status = ErrorRecoveryStatus.Unresolved,
            Severity = error.Severity,
            MaxRecoveryAttempts = error.RecoveryAttempts,
            RecoveryDelay = error.RecoveryDelay,
            RecoveryMultiplier = error.RecoveryMultiplier,
            RecoveryMaxDelay = error.RecoveryMaxDelay,
            EscalationWebhook = error.EscalationWebhook,
            TraceParent = error.TraceParent,
            CreatedAt = now,
            UpdatedAt = now,
            History = [new ErrorAction("created", System, now, error.Error)],
        };
        if (Record.MaxRecoveryAttempts > 0)
        {
            await ScheduleRecoveryAsync();
        }

        await SaveAsync();
        return Record.ToSnapshot();
    }

    public Task<ErrorRecordSnapshot?> GetAsync() => Task.FromResult(Record.Id is null ? null : Record.ToSnapshot());

    public async Task<ErrorRecordSnapshot> RetryAsync(string by, string? reason)
    {
        EnsureExists();
        if (Record.Status is ErrorRecoveryStatus.Resolved or ErrorRecoveryStatus.Ignored or ErrorRecoveryStatus.Retrying)
        {
            throw Conflict("retry");
        }

        using var span = StartAction("retry", by);
        await RetryCoreAsync(by, reason);
        return Record.ToSnapshot();
    }

    public async Task<ErrorRecordSnapshot> ResolveAsync(string by, string? reason)
    {
        EnsureExists();
        if (Record.Status == ErrorRecoveryStatus.Resolved)
        {
            throw Conflict("resolve");
        }

        using var span = StartAction("resolve", by);
        Record.Status = ErrorRecoveryStatus.Resolved;
        Record.ResolvedAt = clock.GetUtcNow();
        await CloseAsync("resolve", by, reason);
        return Record.ToSnapshot();
    }

    public async Task<ErrorRecordSnapshot> IgnoreAsync(string by, string? reason)
    {
        EnsureExists();
        if (Record.Status is ErrorRecoveryStatus.Resolved or ErrorRecoveryStatus.Ignored)
        {
            throw Conflict("ignore");
        }

        using var span = StartAction("ignore", by);
        Record.Status = ErrorRecoveryStatus.Ignored;
        await CloseAsync("ignore", by, reason);
        return Record.ToSnapshot();
    }

    public async Task<ErrorRecordSnapshot> EscalateAsync(string by, string? reason)
    {
        EnsureExists();
        if (Record.Status is ErrorRecoveryStatus.Resolved or ErrorRecoveryStatus.Ignored or ErrorRecoveryStatus.Escalated)
        {
            throw Conflict("escalate");
        }

        using var span = StartAction("escalate", by);
        await EscalateCoreAsync(by, reason);
        return Record.ToSnapshot();
    }

    public async Task RetryFinishedAsync(bool succeeded, string? error)
    {
        if (Record.Id is null || Record.Status != ErrorRecoveryStatus.Retrying)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (succeeded)
        {
            Record.Status = ErrorRecoveryStatus.Resolved;
            Record.ResolvedAt = now;
            Record.History.Add(new ErrorAction("retry_succeeded", System, now, null));
            await SaveAsync();
            return;
        }

        Record.Error = error ?? Record.Error;
        Record.History.Add(new ErrorAction("retry_failed", System, now, error));
        if (Record.RecoveryAttempts < Record.MaxRecoveryAttempts)
        {
            await ScheduleRecoveryAsync();
            await SaveAsync();
        }
        else if (Record.MaxRecoveryAttempts > 0)
        {
            await EscalateCoreAsync(System, $"automatic recovery gave up after {Record.RecoveryAttempts} attempts");
        }
        else
        {
            Record.Status = ErrorRecoveryStatus.Unresolved;
            await SaveAsync();
        }
    }

    protected override async Task OnReminderAsync(string reminderName)
    {
        if (reminderName != RecoveryReminder || Record.Status != ErrorRecoveryStatus.RetryScheduled)
        {
            return;
        }

        using var span = StartAction("retry", System);
        try
        {
            await RetryCoreAsync(System, "automatic recovery");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            await RetryFinishedAsync(succeeded: false, e.Message);
        }
    }

    /// <summary>The span of an action on the record (a child of the current span: the API request's, or none for an
    /// automatic one), linked to the failed run's span.</summary>
    private Activity? StartAction(string action, string by)
    {
        if (!OrchestratorTracing.Source.HasListeners())
        {
            return null;
        }

        var run = OrchestratorTracing.ParseTraceParent(Record.TraceParent);
        var span = OrchestratorTracing.Source.StartActivity(
            ActivityKind.Internal, parentContext: default, links: run == default ? null : [new ActivityLink(run)], name: $"error {action}");
        span?.SetTag(TraceTags.ErrorId, Record.Id);
        span?.SetTag(TraceTags.ErrorAction, action);
        span?.SetTag(TraceTags.RunId, Record.RunId);
        span?.SetTag(TraceTags.Node, Record.Node);
        span?.SetTag("orchestrator.error.by", by);
        return span;
    }

    private async Task RetryCoreAsync(string by, string? reason)
    {
        var now = clock.GetUtcNow();
        Record.Status = ErrorRecoveryStatus.Retrying;
        Record.RecoveryAttempts++;
        Record.NextRetryAt = null;
        Record.History.Add(new ErrorAction("retry", by, now, reason));
        await DisarmAsync(RecoveryReminder);
        await SaveAsync();
        try
        {
            if (Record.Loop is { } loop)
            {
                await Factory.GetGrain<ILoopEngineGrain>(LoopIds.For(Record.RunId, loop)).RetryNodeAsync(Record.Node, Record.Iteration, Record.Input?.DeepClone(), Record.Id!);
            }
            else
            {
                await Factory.GetGrain<IRunEngineGrain>(Record.RunId).RetryNodeAsync(Record.Node, Record.Id!);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            Record.Status = ErrorRecoveryStatus.Unresolved;
            Record.History.Add(new ErrorAction("retry_failed", System, clock.GetUtcNow(), e.Message));
            await SaveAsync();
            throw new ErrorRecordConflictException(Record.Id!, $"Error record {Record.Id}: the run could not retry node '{Record.Node}': {e.Message}", e);
        }
    }

    private async Task ScheduleRecoveryAsync()
    {
        var delay = NextRecoveryDelay();
        Record.Status = ErrorRecoveryStatus.RetryScheduled;
        Record.NextRetryAt = clock.GetUtcNow() + delay;
        Record.History.Add(new ErrorAction("retry_scheduled", System, clock.GetUtcNow(), $"next attempt at {Record.NextRetryAt:O}"));
        await ArmAsync(RecoveryReminder, delay);
    }

    /// <summary>The wait before the next automatic attempt: the first delay, times the multiplier for each attempt made,
    /// at most the longest delay.</summary>
    private TimeSpan NextRecoveryDelay()
    {
        var ticks = Record.RecoveryDelay.Ticks * Math.Pow(Record.RecoveryMultiplier, Record.RecoveryAttempts);
        return ticks >= Record.RecoveryMaxDelay.Ticks ? Record.RecoveryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task EscalateCoreAsync(string by, string? reason)
    {
        Record.Status = ErrorRecoveryStatus.Escalated;
        Record.NextRetryAt = null;
        Record.History.Add(new ErrorAction("escalate", by, clock.GetUtcNow(), reason));
        await DisarmAsync(RecoveryReminder);
        await SaveAsync();
        if (Record.EscalationWebhook is { } webhook)
        {
            await CallWebhookAsync(webhook);
        }
    }

    private async Task CallWebhookAsync(string webhook)
    {
        try
        {
            using var client = httpClients.CreateClient("escalation");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), clock);
            using var response = await client.PostAsJsonAsync(webhook, Record.ToSnapshot(), timeout.Token);
            Record.History.Add(new ErrorAction("webhook", System, clock.GetUtcNow(), $"{webhook} answered {(int)response.StatusCode}"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            LogWebhookFailed(logger, e, Record.Id!, webhook);
            Record.History.Add(new ErrorAction("webhook", System, clock.GetUtcNow(), $"{webhook} failed: {e.Message}"));
        }

        await SaveAsync();
    }

    private async Task CloseAsync(string action, string by, string? reason)
    {
        Record.NextRetryAt = null;
        Record.History.Add(new ErrorAction(action, by, clock.GetUtcNow(), reason));
        await DisarmAsync(RecoveryReminder);
        await SaveAsync();
    }

    private async Task SaveAsync()
    {
        Record.UpdatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
        var stream = TopicProviders.Get(Services, TopicProviderNames.Memory).GetTopic<ErrorRecordSnapshot>(StreamId.Create(ErrorRecordEvents.StreamNamespace, ErrorRecordEvents.AllKey));
        await stream.OnNextAsync(Record.ToSnapshot());
    }

    private void EnsureExists()
    {
        if (Record.Id is null)
        {
            var id = this.GetPrimaryKeyString();
            throw new ErrorRecordNotFoundException(id, $"Error record '{id}' does not exist.");
        }
    }

    private ErrorRecordConflictException Conflict(string action) =>
        new(Record.Id!, $"Error record {Record.Id} is {ErrorRecordState.StatusName(Record.Status)}; it cannot be given '{action}'.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation webhook {Webhook} for error record {ErrorId} failed")]
    private static partial void LogWebhookFailed(ILogger logger, Exception exception, string errorId, string webhook);
}
