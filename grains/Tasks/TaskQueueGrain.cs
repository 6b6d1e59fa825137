using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Hosting;
using Orchestrator.Reminders;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orleans.Concurrency;

namespace Orchestrator.Tasks;

/// <summary>One task queue: its tasks in order of readiness, durable in one state (pending and claimed alike), claims,
/// heartbeats, completions, and the deadlines of claims. A task's end reaches its run as the result of the attempt that
/// queued it (<see cref="IRunEngineGrain.NodeAttemptsFinishedAsync"/>) before the task leaves the queue, so a crash in
/// between delivers it again (the run ignores a result it applied already) and loses nothing. Deadlines ride a grain
/// timer while the queue is active, with a periodic reminder as the durable backstop while any task is claimed, so a
/// claim that lapsed while the silo was down is failed when the queue is activated again (by the reminder, a worker, or
/// a run that recovers and asks for its task).</summary>
/// <remarks>Reentrant, so that claims and completions of many workers share writes and deliveries: every call changes
/// the state in memory without awaiting in between, then waits for a write that covers its change (one write at a time,
/// carrying every change made meanwhile) and, for an end, for its run to have applied it (one call per run at a time,
/// carrying every end of that run made meanwhile). A task being ended is marked so, so that a second end (a late
/// completion, a lapse) is refused while the first is delivered. A failed write deactivates the queue, whose next
/// activation reads what is stored.</remarks>
[GrainType("task-queue")]
[Reentrant]
internal sealed partial class TaskQueueGrain(
    [PersistentState("taskqueue")] IPersistentState<TaskQueueState> store,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<TaskQueueGrain> logger) : OrchestratorGrain, ITaskQueueGrain, ITaskQueueEngineGrain, IRemindable
{
    /// <summary>The durable backstop of the deadlines, registered while any task is claimed.</summary>
    public const string DeadlineReminder = "claim-deadlines";

    /// <summary>How often the backstop fires: a lapsed claim is failed within this after its silo came back.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(15);

    /// <summary>How long a worker counts as live after it last claimed or sent a heartbeat.</summary>
    public static readonly TimeSpan WorkerLiveness = TimeSpan.FromMinutes(1);

    /// <summary>When delivering a task's end to its run failed, how soon it is tried again.</summary>
    private static readonly TimeSpan RedeliverAfter = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, QueuedTask> _byId = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset SeenAt, DateTimeOffset? HeartbeatAt)> _workers = new(StringComparer.Ordinal);
    private RunDeliveries? _deliveries;
    private IGrainTimer? _deadlines;
    private bool _reminderRegistered;
    private Task? _writing;
    private long _changes;
    private long _written;

    private TaskQueueState Queue => store.State;

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var task in Queue.Tasks)
        {
            _byId[task.TaskId] = task;
        }

        _deliveries = new RunDeliveries(Factory);
        _reminderRegistered = await this.GetReminder(DeadlineReminder, cancellationToken) is not null;
        ArmDeadlines();
    }

    public async Task<string> EnqueueAsync(NewWorkerTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Queue.Tasks.FirstOrDefault(t => t.Work.IdempotencyKey == task.IdempotencyKey) is { } existing)
        {
            return existing.TaskId;
        }

        if (!Queue.Listed)
        {
            await Factory.GetGrain<ITaskQueueDirectoryGrain>(ITaskQueueDirectoryGrain.Key).RegisterAsync(Name);
            Queue.Listed = true;
        }

        var sequence = ++Queue.LastSequence;
        var queued = new QueuedTask
        {
            TaskId = TaskIds.For(Name, sequence),
            Sequence = sequence,
            Work = task,
            ReadyAt = clock.GetUtcNow(),
            Status = WorkerTaskStatus.Pending,
        };
        Queue.Tasks.Add(queued);
        _byId[queued.TaskId] = queued;
        await SaveAsync();

        // Memory topics never block the publisher.
        _ = TaskReadyTopic.Get(Services).OnNextAsync(Name);
        return queued.TaskId;
    }

    public async Task<TaskClaim?> TryClaimAsync(string worker)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        var now = clock.GetUtcNow();
        Seen(worker, now, heartbeat: false);
        var task = Queue.Tasks.FirstOrDefault(t => t.Status == WorkerTaskStatus.Pending);
        if (task is null)
        {
            return null;
        }

        task.Status = WorkerTaskStatus.Claimed;
        task.Worker = worker;
        task.ClaimedAt = now;
        task.LastHeartbeatAt = null;
        ArmDeadlines();
        await SaveAsync();
        await EnsureReminderAsync();
        var work = task.Work;
        return new TaskClaim
        {
            TaskId = task.TaskId,
            Queue = Name,
            RunId = work.RunId,
            Workflow = work.Workflow,
            Node = work.Node,
            Iteration = work.Iteration,
            Attempt = work.Attempt,
            ItemIndex = work.ItemIndex,
            IdempotencyKey = work.IdempotencyKey,
            Input = work.Input?.DeepClone(),
            HeartbeatTimeoutMs = (long)work.HeartbeatTimeout.TotalMilliseconds,
            ReadyAt = task.ReadyAt,
            ClaimedAt = now,
        };
    }

    public async Task<TaskHeartbeatReply> HeartbeatAsync(string taskId, JsonNode? details)
    {
        var task = Claimed(taskId);
        var now = clock.GetUtcNow();
        Seen(task.Worker!, now, heartbeat: true);
        task.LastHeartbeatAt = now;
        if (details is not null)
        {
            task.Details = details.DeepClone();
        }

        ArmDeadlines();
        await SaveAsync();
        if (details is not null)
        {
            _ = ReportProgressAsync(task, now);
        }

        return new TaskHeartbeatReply(task.CancelRequested);
    }

    public Task CompleteAsync(string taskId, JsonNode? output) =>
        EndAsync(Claimed(taskId), succeeded: true, output, error: null);

    public Task FailAsync(string taskId, string error) =>
        EndAsync(Claimed(taskId), succeeded: false, output: null, string.IsNullOrWhiteSpace(error) ? "the worker failed the task" : error);

    public async Task CancelTaskAsync(string taskId, string reason)
    {
        if (!_byId.TryGetValue(taskId, out var task) || _ending.Contains(taskId))
        {
            return;
        }

        if (task.Status == WorkerTaskStatus.Pending)
        {
            Remove(task);
        }
        else if (!task.CancelRequested)
        {
            task.CancelRequested = true;
        }
        else
        {
            return;
        }

        await SaveAsync();
        LogCancelled(logger, taskId, reason);
    }

    public Task<bool> ContainsAsync(string taskId) => Task.FromResult(_byId.ContainsKey(taskId));

    public Task<TaskQueueSnapshot> GetAsync()
    {
        var now = clock.GetUtcNow();
        var inHand = Queue.Tasks.Where(t => t.Status == WorkerTaskStatus.Claimed).ToLookup(t => t.Worker!, t => t.TaskId, StringComparer.Ordinal);
        var workers = _workers
            .Where(pair => now - pair.Value.SeenAt <= WorkerLiveness || inHand.Contains(pair.Key))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new WorkerSummary
            {
                Worker = pair.Key,
                Queues = [Name],
                LastSeenAt = pair.Value.SeenAt,
                LastHeartbeatAt = pair.Value.HeartbeatAt,
                Tasks = [.. inHand[pair.Key]],
            })
            .ToList();
        return Task.FromResult(new TaskQueueSnapshot
        {
            Queue = Name,
            Pending = Queue.Tasks.Count(t => t.Status == WorkerTaskStatus.Pending),
            Claimed = Queue.Tasks.Count(t => t.Status == WorkerTaskStatus.Claimed),
            Tasks = [.. Queue.Tasks.Select(t => t.ToSummary())],
            Workers = workers,
        });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != DeadlineReminder)
        {
            return;
        }

        await FailLapsedAsync();
        if (!Queue.Tasks.Any(t => t.Status == WorkerTaskStatus.Claimed) && await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }
    }

    /// <summary>The task, claimed and not being ended; otherwise why not, as the exception the API answers with.</summary>
    private QueuedTask Claimed(string taskId)
    {
        if (_byId.TryGetValue(taskId, out var task) && !_ending.Contains(taskId))
        {
            return task.Status == WorkerTaskStatus.Claimed
                ? task
                : throw new TaskConflictException(taskId, $"Task '{taskId}' is pending: it has not been claimed.");
        }

        return TaskIds.TryParse(taskId, out var queue, out var sequence) && queue == Name && sequence <= Queue.LastSequence
            ? throw new TaskConflictException(taskId, $"Task '{taskId}' has ended (completed, failed, cancelled, or its claim lapsed and the task was failed as worker lost); this report changes nothing.")
            : throw new TaskNotFoundException(taskId, $"Task '{taskId}' does not exist on queue '{Name}'.");
    }

    /// <summary>Tells the run how the task ended, then takes the task off the queue.</summary>
    private async Task EndAsync(QueuedTask task, bool succeeded, JsonNode? output, string? error)
    {
        _ending.Add(task.TaskId);
        try
        {
            await DeliverAsync(task, succeeded, output, error);
        }
        finally
        {
            _ending.Remove(task.TaskId);
        }

        Remove(task);
        ArmDeadlines();
        await SaveAsync();
    }

    private Task DeliverAsync(QueuedTask task, bool succeeded, JsonNode? output, string? error)
    {
        var work = task.Work;
        return _deliveries!.DeliverAsync(work.RunId, new NodeAttemptResult
        {
            Node = work.Node,
            Iteration = work.Iteration,
            Attempt = work.Attempt,
            ItemIndex = work.ItemIndex,
            Succeeded = succeeded,
            Output = output?.DeepClone(),
            Error = error,
            AwaitingTask = task.TaskId,
            TaskFinished = true,
        });
    }

    /// <summary>Shows a heartbeat's details on the task's node; a report that does not arrive is only a missed view.</summary>
    private async Task ReportProgressAsync(QueuedTask task, DateTimeOffset at)
    {
        var work = task.Work;
        try
        {
            await Factory.GetGrain<IRunEngineGrain>(work.RunId).TaskProgressedAsync(new WorkerTaskProgress
            {
                TaskId = task.TaskId,
                Node = work.Node,
                Iteration = work.Iteration,
                Attempt = work.Attempt,
                ItemIndex = work.ItemIndex,
                Worker = task.Worker!,
                At = at,
                Details = task.Details?.DeepClone(),
            });
        }
        catch (Exception e)
        {
            LogProgressFailed(logger, e, task.TaskId, work.RunId);
        }
    }

    /// <summary>Fails every claim past its deadline ("worker lost", or timed out); the run retries it by its policy.</summary>
    private async Task FailLapsedAsync()
    {
        var now = clock.GetUtcNow();
        var lapsed = Queue.Tasks.Where(t => t.Deadline() is { } deadline && deadline <= now && !_ending.Contains(t.TaskId)).ToList();
        if (lapsed.Count == 0)
        {
            ArmDeadlines();
            return;
        }

        var ends = lapsed.Select(async task =>
        {
            var reason = task.LostReason();
            _ending.Add(task.TaskId);
            try
            {
                await DeliverAsync(task, succeeded: false, output: null, reason);
                LogLost(logger, task.TaskId, reason);
                Remove(task);
                return true;
            }
            catch (Exception e)
            {
                LogDeliveryFailed(logger, e, task.TaskId, task.Work.RunId);
                return false;
            }
            finally
            {
                _ending.Remove(task.TaskId);
            }
        }).ToList();
        var delivered = await Task.WhenAll(ends);
        ArmDeadlines(delivered.All(d => d) ? null : RedeliverAfter);
        await SaveAsync();
    }

    private void Remove(QueuedTask task)
    {
        Queue.Tasks.Remove(task);
        _byId.Remove(task.TaskId);
    }

    /// <summary>Waits until a write that covers every change made so far is stored: one write at a time, each carrying
    /// every change made before it started.</summary>
    private async Task SaveAsync()
    {
        var mine = ++_changes;
        while (_written < mine)
        {
            if (_writing is { } current)
            {
                await current;
                continue;
            }

            var covering = _changes;
            _writing = WriteAsync(covering);
            try
            {
                await _writing;
            }
            finally
            {
                _writing = null;
            }
        }
    }

    private async Task WriteAsync(long covering)
    {
        try
        {
            await store.WriteStateAsync();
            _written = Math.Max(_written, covering);
        }
        catch (Exception e)
        {
            // Memory now disagrees with storage (or another activation wrote): start again from what is stored.
            LogWriteFailed(logger, e, Name);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Points the timer at the earliest deadline of a claim (or <paramref name="soonest"/>, when sooner).</summary>
    private void ArmDeadlines(TimeSpan? soonest = null)
    {
        var next = Queue.Tasks.Where(t => !_ending.Contains(t.TaskId)).Select(t => t.Deadline()).Where(d => d is not null).Min();
        TimeSpan? due = next is { } deadline ? deadline - clock.GetUtcNow() : null;
        if (soonest is { } limit && (due is null || limit < due))
        {
            due = limit;
        }

        if (due is not { } dueTime)
        {
            _deadlines?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        dueTime = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
        if (_deadlines is null)
        {
            _deadlines = this.RegisterGrainTimer(
                _ => FailLapsedAsync(),
                new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }
        else
        {
            _deadlines.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered)
        {
            return;
        }

        _reminderRegistered = true;
        try
        {
            await this.RegisterOrUpdateReminder(DeadlineReminder, ReminderPeriod, ReminderPeriod);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The timer stands alone until the next claim registers it.
            _reminderRegistered = false;
            LogReminderRefused(logger, e, Name);
        }
    }

    private void Seen(string worker, DateTimeOffset now, bool heartbeat)
    {
        var heartbeatAt = heartbeat ? now : _workers.TryGetValue(worker, out var known) ? known.HeartbeatAt : null;
        _workers[worker] = (now, heartbeatAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} failed: {Reason}")]
    private static partial void LogLost(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} cancelled: {Reason}")]
    private static partial void LogCancelled(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The end of task {TaskId} could not be delivered to run {RunId}; it is tried again")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string taskId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deadline reminder of task queue {Queue} was not registered; its timer stands alone")]
    private static partial void LogReminderRefused(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The progress of task {TaskId} did not reach run {RunId}")]
    private static partial void LogProgressFailed(ILogger logger, Exception exception, string taskId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task queue {Queue} could not write its state; it is deactivated and reads it again")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string queue);
}
