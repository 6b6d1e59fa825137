using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Diagnostics;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Invocation;

namespace Orchestrator.Runtime.Reminders;

/// <summary>Delivers durable reminders. Keeps every reminder in memory ordered by due time, with one timer armed for the
/// earliest. A tick is delivered as a <see cref="IRemindable.ReceiveReminder"/> call; only after it succeeds is the
/// stored due time moved (periodic) or the reminder removed (one-shot), so delivery is at least once. A periodic
/// reminder that missed ticks while the silo was down fires once, then continues at its next regular tick.</summary>
internal sealed partial class ReminderService(
    IReminderTable table,
    GrainTypeRegistry registry,
    GrainFactory grainFactory,
    SiloOptions options,
    TimeProvider clock,
    RuntimeMetrics metrics,
    ILogger<ReminderService> logger) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _entries = [];
    private readonly PriorityQueue<ReminderEntry, DateTimeOffset> _due = new();
    private readonly HashSet<Task> _deliveries = [];
    private ITimer? _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;
    private bool _running;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Loads every stored reminder and starts delivering; overdue ones fire right away, once each.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stored = await table.ReadAllAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var entry in stored)
            {
                _entries[(entry.GrainId, entry.Name)] = entry;
                _due.Enqueue(entry, entry.DueAt);
            }

            _running = true;
            _timer = clock.CreateTimer(static state => ((ReminderService)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ArmLocked();
        }

        LogStarted(logger, stored.Count);
    }

    /// <summary>Stops delivering and waits (bounded) for deliveries in flight.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        Task[] inFlight;
        lock (_lock)
        {
            _running = false;
            _timer?.Dispose();
            _timer = null;
            inFlight = [.. _deliveries];
        }

        await Task.WhenAll(inFlight).WaitAsync(timeout, clock).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    /// <summary>Completes when the deliveries in flight now (tick, then due-time bookkeeping) have finished.</summary>
    internal Task DeliveriesCompletedAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _deliveries]);
        }
    }

    public async Task<IGrainReminder> RegisterAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!typeof(IRemindable).IsAssignableFrom(registry.GetClass(grainId.Type)))
        {
            throw new InvalidOperationException($"Grain {grainId} registers reminder '{name}' but does not implement IRemindable.");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, $"Reminder '{name}' of {grainId}: the due time must not be negative.");
        }

        if (period < TimeSpan.Zero || (period > TimeSpan.Zero && period < options.MinimumReminderPeriod))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"Reminder '{name}' of {grainId}: the period must be zero (one-shot) or at least {options.MinimumReminderPeriod.TotalMilliseconds:0} ms.");
        }

        var due = clock.GetUtcNow() + dueTime;
        var entry = new ReminderEntry(grainId, name, due, due, period);
        var etag = await table.UpsertAsync(entry, CancellationToken.None);
        entry = entry with { Etag = etag };
        lock (_lock)
        {
            _entries[(grainId, name)] = entry;
            _due.Enqueue(entry, entry.DueAt);
            ArmLocked();
        }

        return ToReminder(entry);
    }

    public async Task UnregisterAsync(GrainId grainId, string name)
    {
        await table.RemoveAsync(grainId, name, expectedEtag: null, CancellationToken.None);
        lock (_lock)
        {
            _entries.Remove((grainId, name));
        }
    }

    public IGrainReminder? Get(GrainId grainId, string name)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((grainId, name), out var entry) ? ToReminder(entry) : null;
        }
    }

    public IReadOnlyList<IGrainReminder> GetAll(GrainId grainId)
    {
        lock (_lock)
        {
            return [.. _entries.Values.Where(e => e.GrainId == grainId).Select(ToReminder)];
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(options.ShutdownTimeout);

    private static GrainReminder ToReminder(ReminderEntry entry) => new(entry.Name, entry.DueAt, entry.Period);

    private void OnTimer()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _armedFor = DateTimeOffset.MaxValue;
            if (!_running)
            {
                return;
            }

            while (_due.TryPeek(out var entry, out var dueAt) && dueAt <= now)
            {
                _due.Dequeue();
                if (!IsCurrentLocked(entry))
                {
                    continue;
                }

                var delivery = DeliverAsync(entry);
                _deliveries.Add(delivery);
                _ = delivery.ContinueWith(
                    static (task, state) => ((ReminderService)state!).Forget(task),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            ArmLocked();
        }
    }

    private void Forget(Task delivery)
    {
        lock (_lock)
        {
            _deliveries.Remove(delivery);
        }
    }

    private bool IsCurrentLocked(ReminderEntry entry) =>
        _entries.TryGetValue((entry.GrainId, entry.Name), out var current) && current.Etag == entry.Etag;

    private async Task DeliverAsync(ReminderEntry entry)
    {
        var status = new TickStatus(entry.FirstDueAt, entry.Period, entry.DueAt);
        try
        {
            var request = (GrainRequest<object>)GrainMethodTable.ReceiveReminder.CreateRequest([entry.Name, status]);
            grainFactory.Send(entry.GrainId, request);
            await request.Task;
            metrics.ReminderTick(entry.GrainId.Type);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(logger, e, entry.Name, entry.GrainId);
            lock (_lock)
            {
                if (_running && IsCurrentLocked(entry))
                {
                    var retryAt = clock.GetUtcNow() + options.ReminderRetryDelay;
                    _due.Enqueue(entry, retryAt);
                    ArmLocked();
                }
            }

            return;
        }

        try
        {
            if (entry.Period <= TimeSpan.Zero)
            {
                if (await table.RemoveAsync(entry.GrainId, entry.Name, entry.Etag, CancellationToken.None))
                {
                    lock (_lock)
                    {
                        if (IsCurrentLocked(entry))
                        {
                            _entries.Remove((entry.GrainId, entry.Name));
                        }
                    }
                }

                return;
            }

            var next = NextTick(entry.DueAt, entry.Period, clock.GetUtcNow());
            var etag = await table.UpdateDueAsync(entry.GrainId, entry.Name, next, entry.Etag, CancellationToken.None);
            if (etag is null)
            {
                return;
            }

            lock (_lock)
            {
                if (IsCurrentLocked(entry))
                {
                    var moved = entry with { DueAt = next, Etag = etag };
                    _entries[(entry.GrainId, entry.Name)] = moved;
                    _due.Enqueue(moved, next);
                    ArmLocked();
                }
            }
        }
        catch (Exception e)
        {
            LogBookkeepingFailed(logger, e, entry.Name, entry.GrainId);
        }
    }

    /// <summary>The first tick of the series <paramref name="dueAt"/> + k·<paramref name="period"/> that lies after <paramref name="now"/>.</summary>
    internal static DateTimeOffset NextTick(DateTimeOffset dueAt, TimeSpan period, DateTimeOffset now)
    {
        if (now < dueAt)
        {
            return dueAt + period;
        }

        var missed = (now - dueAt).Ticks / period.Ticks;
        return dueAt + TimeSpan.FromTicks(period.Ticks * (missed + 1));
    }

    private void ArmLocked()
    {
        if (!_running || _timer is null)
        {
            return;
        }

        while (_due.TryPeek(out var entry, out _) && !IsCurrentLocked(entry))
        {
            _due.Dequeue();
        }

        if (!_due.TryPeek(out _, out var nextDue) || nextDue >= _armedFor)
        {
            return;
        }

        _armedFor = nextDue;
        var delay = nextDue - clock.GetUtcNow();
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder service started with {Count} reminders")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of reminder '{Name}' to {GrainId} failed; it will be delivered again")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string name, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the next due time of reminder '{Name}' of {GrainId}; it fires again after a restart")]
    private static partial void LogBookkeepingFailed(ILogger logger, Exception exception, string name, GrainId grainId);
}
