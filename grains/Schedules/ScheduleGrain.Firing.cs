using System.Globalization;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Diagnostics;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Schedules;

/// <summary>Firing: the reminder deliveries, the misfire and overlap policies, and the execution records.</summary>
internal sealed partial class ScheduleGrain
{
    protected override async Task OnReminderAsync(string reminderName)
    {
        if (!Schedule.Exists)
        {
            await DisarmAsync(reminderName);
            return;
        }

        if (_spec is not { } spec)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (reminderName == BufferReminder)
        {
            if (await StartBufferedAsync(spec, now, fromReminder: true))
            {
                await SaveAsync();
                await AnnounceAsync();
            }

            return;
        }

        if (reminderName != FireReminder || !Schedule.Enabled)
        {
            return;
        }

        var changed = await StartBufferedAsync(spec, now, fromReminder: false);
        if (Schedule.PendingFires.Count == 0 && Schedule.NextFireAt is { } first && first + Schedule.NextJitter <= now)
        {
            // The decision is stored before it is carried out: a crash in between carries out the same fires.
            Decide(spec, first, now);
            await SaveAsync();
            changed = false;
        }

        if (Schedule.PendingFires.Count > 0)
        {
            while (Schedule.PendingFires.Count > 0)
            {
                await FireAsync(spec, Schedule.PendingFires[0], now);
                Schedule.PendingFires.RemoveAt(0);
            }

            changed = true;
        }

        // The next reminder replaces the one being delivered before the state says the fires were carried out: a crash
        // in between leaves decided fires in the state, which activation carries out at once.
        await ArmAsync(now);
        if (changed)
        {
            await SaveAsync();
        }

        await AnnounceAsync();
    }

    /// <summary>Applies the misfire policy to the occurrences due from <paramref name="first"/> to <paramref name="now"/>:
    /// fills <see cref="ScheduleState.PendingFires"/>, records what is skipped, and moves the next fire time past now.
    /// An occurrence found within the misfire threshold of its time is on time and fires (late, oldest first: a
    /// take-over between silos or a short stop drops none); an older one was missed, and the policy decides.</summary>
    private void Decide(ScheduleSpec spec, DateTimeOffset first, DateTimeOffset now)
    {
        var missedKept = spec.Misfire == MisfirePolicies.FireAll ? spec.MisfireLimit : 1;
        var due = spec.Calendar.Due(first, now, missedKept + MaxOnTimeFires);
        var onTime = due.Latest.Reverse()
            .TakeWhile(occurrence => now - occurrence - (occurrence == first ? Schedule.NextJitter : TimeSpan.Zero) <= options.MisfireThreshold)
            .Take(MaxOnTimeFires)
            .Reverse()
            .ToList();
        var missed = due.Latest.Take(due.Latest.Count - onTime.Count).ToList();
        var missedCount = due.Count - onTime.Count;
        var fires = new List<DateTimeOffset>();
        long skipped = 0;
        if (missedCount > 0)
        {
            switch (spec.Misfire)
            {
                case MisfirePolicies.FireAll:
                    var take = (int)Math.Min(Math.Min(spec.MisfireLimit, missedCount), missed.Count);
                    fires.AddRange(missed.TakeLast(take));
                    skipped = missedCount - take;
                    break;
                case MisfirePolicies.FireOnce when onTime.Count == 0 && missed.Count > 0:
                    // The catch-up fire; an occurrence on time already stands for the missed ones.
                    fires.Add(missed[^1]);
                    skipped = missedCount - 1;
                    break;
                default:
                    skipped = missedCount;
                    break;
            }
        }

        if (skipped > 0)
        {
            var count = string.Create(CultureInfo.InvariantCulture, $"{skipped}{(due.CountIsLowerBound ? " or more" : "")}");
            Record(new ScheduleExecution(null, first, now, ScheduleOutcome.SkippedMisfire)
            {
                Occurrences = skipped,
                Reason = $"{count} occurrence(s) from {first:O} fell due while the schedule could not fire (misfire policy {spec.Misfire})",
            });
            LogMisfire(logger, Id, skipped, spec.Misfire);
        }

        fires.AddRange(onTime);
        Schedule.PendingFires = fires;
        Schedule.NextFireAt = spec.Calendar.NextAfter(now);
        Schedule.NextJitter = DrawJitter();
    }

    /// <summary>Carries out one decided fire through the overlap policy.</summary>
    private async Task FireAsync(ScheduleSpec spec, DateTimeOffset scheduledFor, DateTimeOffset now)
    {
        var key = IdempotencyKey(scheduledFor);
        var runId = RunIds.ForIdempotencyKey(spec.Workflow, key);
        if (await FindRunAsync(runId) is not null)
        {
            // Delivered again after a crash: the run was started the first time.
            Schedule.LastRunId = runId;
            Record(new ScheduleExecution(runId, scheduledFor, now, ScheduleOutcome.Started) { Reason = "started before a restart" });
            return;
        }

        string? reason = null;
        if (await FindGoingRunAsync() is { } previous)
        {
            var going = $"run {previous.RunId} is still {RunStatusName(previous.Status)}";
            switch (spec.Overlap)
            {
                case OverlapPolicies.Skip:
                    Record(new ScheduleExecution(null, scheduledFor, now, ScheduleOutcome.SkippedOverlap) { Reason = going });
                    return;
                case OverlapPolicies.BufferOne when Schedule.BufferedFor is { } buffered:
                    Record(new ScheduleExecution(null, scheduledFor, now, ScheduleOutcome.SkippedOverlap)
                    {
                        Reason = $"{going} and the fire for {buffered:O} is already buffered",
                    });
                    return;
                case OverlapPolicies.BufferOne:
                    Schedule.BufferedFor = scheduledFor;
                    Record(new ScheduleExecution(null, scheduledFor, now, ScheduleOutcome.Buffered) { Reason = $"{going}; starts when it has finished" });
                    await ArmAsync(BufferReminder, options.BufferCheckInterval);
                    return;
                case OverlapPolicies.CancelPrevious:
                    await Factory.GetGrain<IRunGrain>(previous.RunId).CancelAsync($"schedule {Id}: replaced by the fire for {scheduledFor:O}");
                    reason = $"cancelled run {previous.RunId}, which was still {RunStatusName(previous.Status)}";
                    break;
                default:
                    reason = $"{going} (overlap allowed)";
                    break;
            }
        }

        await StartRunAsync(spec, scheduledFor, now, key, reason, manual: false);
    }

    /// <summary>Starts the buffered fire when the previous run has finished. From the buffer reminder, a previous run
    /// still going means checking again later. Returns true when the state changed.</summary>
    private async Task<bool> StartBufferedAsync(ScheduleSpec spec, DateTimeOffset now, bool fromReminder)
    {
        if (Schedule.BufferedFor is not { } buffered)
        {
            return false;
        }

        if (await FindGoingRunAsync() is not null)
        {
            if (fromReminder)
            {
                await ArmAsync(BufferReminder, options.BufferCheckInterval);
            }

            return false;
        }

        var waitedFor = Schedule.LastRunId;
        Schedule.BufferedFor = null;

        // The buffered record gives way to the one of the start.
        var index = Schedule.Executions.FindLastIndex(e => e.Outcome == ScheduleOutcome.Buffered && e.ScheduledFor == buffered);
        if (index >= 0)
        {
            Schedule.Executions.RemoveAt(index);
        }

        await StartRunAsync(spec, buffered, now, IdempotencyKey(buffered), $"buffered until run {waitedFor} finished", manual: false);
        if (!fromReminder)
        {
            await DisarmAsync(BufferReminder);
        }

        return true;
    }

    /// <summary>Starts a run for a fire and records it, or records why it could not start.</summary>
    private async Task<ScheduleExecution> StartRunAsync(ScheduleSpec spec, DateTimeOffset scheduledFor, DateTimeOffset now, string key, string? reason, bool manual)
    {
        var runId = RunIds.ForIdempotencyKey(spec.Workflow, key);
        // The fire's span is the run's parent: a trigger through the API continues the request's trace.
        using var span = OrchestratorTracing.Source.StartActivity($"schedule fire {Schedule.Definition.Name ?? Id}");
        span?.SetTag(TraceTags.ScheduleId, Id);
        span?.SetTag(TraceTags.Workflow, spec.Workflow);
        span?.SetTag("orchestrator.schedule.scheduled_for", scheduledFor.ToString("O", CultureInfo.InvariantCulture));
        span?.SetTag("orchestrator.schedule.manual", manual);
        try
        {
            await Factory.GetGrain<IRunGrain>(runId).StartAsync(new StartRun
            {
                Workflow = spec.Workflow,
                Version = Schedule.Definition.Version,
                Input = Schedule.Definition.Input?.DeepClone(),
                IdempotencyKey = key,
                TriggeredBy = $"schedule:{Id}",
                TraceParent = OrchestratorTracing.CurrentTraceParent(),
            });
            Schedule.LastRunId = runId;
            span?.SetTag(TraceTags.RunId, runId);
            span?.SetTag(TraceTags.Outcome, "started");
            return Record(new ScheduleExecution(runId, scheduledFor, now, ScheduleOutcome.Started) { Reason = reason, Manual = manual ? true : null });
        }
        catch (Exception e) when (e is not SiloUnavailableException
            && e is KeyNotFoundException or InvalidOperationException or ArgumentException or DefinitionInvalidException)
        {
            LogStartFailed(logger, e, Id, spec.Workflow);
            span?.SetTag(TraceTags.Outcome, "failed");
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            return Record(new ScheduleExecution(null, scheduledFor, now, ScheduleOutcome.Failed) { Reason = e.Message, Manual = manual ? true : null });
        }
    }

    /// <summary>Drops a buffered fire and decided fires (disable, update): each is recorded as skipped.</summary>
    private void DropWaitingFires(DateTimeOffset now, string reason)
    {
        if (Schedule.BufferedFor is { } buffered)
        {
            var index = Schedule.Executions.FindLastIndex(e => e.Outcome == ScheduleOutcome.Buffered && e.ScheduledFor == buffered);
            if (index >= 0)
            {
                Schedule.Executions.RemoveAt(index);
            }

            Record(new ScheduleExecution(null, buffered, now, ScheduleOutcome.SkippedDisabled) { Reason = reason });
            Schedule.BufferedFor = null;
        }

        foreach (var pending in Schedule.PendingFires)
        {
            Record(new ScheduleExecution(null, pending, now, ScheduleOutcome.SkippedDisabled) { Reason = reason });
        }

        Schedule.PendingFires.Clear();
    }

    private ScheduleExecution Record(ScheduleExecution execution)
    {
        Schedule.Executions.Add(execution);
        var excess = Schedule.Executions.Count - Math.Max(1, options.ExecutionHistory);
        if (excess > 0)
        {
            Schedule.Executions.RemoveRange(0, excess);
        }

        Schedule.LastFireAt = execution.FiredAt;
        Schedule.LastOutcome = execution.Outcome;
        _unannounced.Add(execution);
        return execution;
    }

    /// <summary>The run the schedule started last, when it is still pending, running or paused.</summary>
    private async Task<RunSnapshot?> FindGoingRunAsync() =>
        Schedule.LastRunId is { } last && await FindRunAsync(last) is { } run && !run.Status.IsFinished() ? run : null;

    private async Task<RunSnapshot?> FindRunAsync(string runId)
    {
        try
        {
            return await Factory.GetGrain<IRunGrain>(runId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    private string IdempotencyKey(DateTimeOffset scheduledFor) => IdempotencyKeyFor(Id, Schedule.CreatedAt, scheduledFor);

    /// <summary>One key per schedule incarnation and occurrence: a fire delivered twice names the same run.</summary>
    internal static string IdempotencyKeyFor(string scheduleId, DateTimeOffset createdAt, DateTimeOffset scheduledFor) =>
        string.Create(CultureInfo.InvariantCulture, $"schedule:{scheduleId}:{createdAt.UtcTicks}:{scheduledFor.UtcDateTime:O}");

    private static string RunStatusName(RunStatus status) => RunState.StatusName(status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} could not start a run of {Workflow}")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string scheduleId, string workflow);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: {Count} missed occurrence(s) skipped (misfire policy {Policy})")]
    private static partial void LogMisfire(ILogger logger, string scheduleId, long count, string policy);
}
