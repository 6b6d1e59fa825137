using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Concurrency;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Reminders;

/// <summary>A grain whose reminders each fire once: a retry's backoff, a timeout, a schedule's next fire. Each rides a
/// timer on the grain's clock, which fires on time while the activation lives, with an Orleans reminder as its durable
/// backstop, which fires <see cref="BackstopDelay"/> later (after a crash or a deactivation, say). Orleans' reminders are
/// periodic, so the backstop is registered with <see cref="RepeatPeriod"/> and removed once the grain has handled a tick,
/// unless the handling armed it again; a tick that fell due while its silo was down fires within a period of the
/// restart. A handling that fails keeps its reminder, delivered again after a back-off. Handlers must be idempotent: the
/// timer and the backstop may both deliver, and a failed handling is repeated.
/// <para>A grain may defer the backstops of some reminders (<see cref="DefersBackstop"/>) when something else brings it
/// back after a crash (runs: the recovery sweeps on start and when a silo leaves): their timers stand alone while the
/// activation lives, and the backstops of those still armed are registered when it ends. A run's timeout or a short
/// retry that is handled, or disarmed, within its activation then costs no write at all.</para></summary>
internal abstract partial class OneShotReminderGrain : OrchestratorGrain, IRemindable
{
    /// <summary>How often a one-shot reminder fires again until its grain has handled it; the silo's minimum reminder
    /// period must not exceed it.</summary>
    public static readonly TimeSpan RepeatPeriod = TimeSpan.FromSeconds(5);

    /// <summary>How long after its due time the durable reminder fires, so that it rarely repeats what the timer did.</summary>
    public static readonly TimeSpan BackstopDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a reminder whose handling keeps failing is delivered again.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (DateTimeOffset DueAt, ITimer Timer)> _armed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _standAlone = new(StringComparer.Ordinal);
    // Armed by this activation with their backstops deferred to its end (DefersBackstop): no row was written for them.
    private readonly HashSet<string> _deferred = new(StringComparer.Ordinal);
    // Known to have a backstop row: registered by this activation, or found by RestoreAsync.
    private readonly HashSet<string> _backed = new(StringComparer.Ordinal);
    private TimeProvider? _clock;

    private ILogger? _logger;

    private ILogger Logger => _logger ??= Services.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());

    private TimeProvider Clock => _clock ??= Services.GetRequiredKeyedService<TimeProvider>(OrchestratorClock.Key);

    /// <summary>True while a reminder's timer stands without its durable backstop (the reminder service refused it):
    /// only this activation will deliver it, so it should not be deactivated.</summary>
    protected bool HasTimerWithoutBackstop => _standAlone.Count > 0;

    /// <summary>When the reminder <paramref name="reminderName"/> is armed by this activation to fire; null when it is not.</summary>
    protected DateTimeOffset? ArmedFor(string reminderName) => _armed.TryGetValue(reminderName, out var armed) ? armed.DueAt : null;

    /// <summary>Handles a tick of the reminder named <paramref name="reminderName"/>; it is removed afterwards unless the
    /// handling armed it again, and delivered again after a back-off when the handling throws.</summary>
    protected abstract Task OnReminderAsync(string reminderName);

    /// <summary>True when the durable backstop of <paramref name="reminderName"/> may wait until this activation ends:
    /// only for a grain that is activated again after a crash by something other than its reminders. False by default.</summary>
    protected virtual bool DefersBackstop(string reminderName) => false;

    /// <summary>Called when a deferred backstop could not be registered as the activation ended; the grain should see to
    /// being activated again (whose activation restores what its state counts on).</summary>
    protected virtual void OnDeferredBackstopLost(string reminderName)
    {
    }

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var tickAt = Clock.GetUtcNow();
        if (_armed.TryGetValue(reminderName, out var armed) && armed.DueAt > tickAt)
        {
            // The backstop of a reminder armed again for later: its timer will deliver.
            return;
        }

        try
        {
            await OnReminderAsync(reminderName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed handling (a grain it called was on a silo that just died, say) keeps the reminder: it is armed
            // again after a back-off, unless the handling had already armed it for later.
            if (!_armed.TryGetValue(reminderName, out armed) || armed.DueAt <= tickAt)
            {
                var failures = _failures.GetValueOrDefault(reminderName) + 1;
                _failures[reminderName] = failures;
                var retryIn = RetryDelay(failures);
                LogHandlingFailed(Logger, e, reminderName, this.GetGrainId(), failures, retryIn);
                await ArmAsync(reminderName, retryIn);
            }

            // Still the caller's failure: Orleans deactivates a grain whose ETag no longer matches storage.
            throw;
        }

        _failures.Remove(reminderName);
        if (!_armed.TryGetValue(reminderName, out armed) || armed.DueAt <= tickAt)
        {
            await DisarmAsync(reminderName);
        }
    }

    /// <summary>How long after its <paramref name="failures"/>th failed handling in a row a reminder is delivered again:
    /// doubling from <see cref="BackstopDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    internal static TimeSpan RetryDelay(int failures) => Backoff.Doubling(BackstopDelay, MaxRetryDelay, failures);

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The backstops stay registered: they deliver what the timers would have. Those deferred are registered now.
        var now = Clock.GetUtcNow();
        foreach (var reminderName in _deferred.ToArray())
        {
            if (!_armed.TryGetValue(reminderName, out var armed))
            {
                continue;
            }

            var due = armed.DueAt > now ? armed.DueAt - now : TimeSpan.Zero;
            try
            {
                await this.RegisterOrUpdateReminder(reminderName, due + BackstopDelay, RepeatPeriod, cancellationToken);
            }
            catch (Exception e)
            {
                // The deactivation's time ran out, or the reminder service refused.
                LogDeferredBackstopLost(Logger, e, reminderName, this.GetGrainId());
                OnDeferredBackstopLost(reminderName);
            }
        }

        _deferred.Clear();
        foreach (var (_, timer) in _armed.Values)
        {
            timer.Dispose();
        }

        _armed.Clear();
    }

    /// <summary>Arms (or moves) the one-shot reminder <paramref name="reminderName"/> to fire after <paramref name="due"/>.
    /// The timer is armed first; the durable backstop is registered after it, and when the reminder service refuses (a
    /// cluster still settling its reminder ranges, say) the timer stands alone and the refusal is logged, rather than
    /// failing the turn that armed it.</summary>
    protected async Task ArmAsync(string reminderName, TimeSpan due)
    {
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        ArmTimer(reminderName, due);
        if (!_backed.Contains(reminderName) && DefersBackstop(reminderName))
        {
            // A row from an activation this one does not know of may still exist: it fires, is handled (handlers are
            // idempotent) and is removed then.
            _deferred.Add(reminderName);
            return;
        }

        await RegisterBackstopAsync(reminderName, due);
    }

    private async Task RegisterBackstopAsync(string reminderName, TimeSpan due)
    {
        try
        {
            await this.RegisterOrUpdateReminder(reminderName, due + BackstopDelay, RepeatPeriod);
            _backed.Add(reminderName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _standAlone.Add(reminderName);
            LogBackstopRefused(Logger, e, reminderName, this.GetGrainId());
        }
    }

    /// <summary>On activation, arms the reminder <paramref name="reminderName"/> that the grain's state counts on to fire
    /// after <paramref name="due"/>, unless this activation armed it already: its timer, and its durable backstop only when
    /// the reminder service holds none (one whose registration was refused, before an activation that gave way, say).
    /// An activation whose reminders are all in place writes nothing.</summary>
    protected async Task RestoreAsync(string reminderName, TimeSpan due)
    {
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
        if (_armed.ContainsKey(reminderName))
        {
            return;
        }

        IGrainReminder? stored = null;
        try
        {
            stored = await this.GetReminder(reminderName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not known to be registered: registered again below, which is harmless if it was.
            LogBackstopUnread(Logger, e, reminderName, this.GetGrainId());
        }

        // Registered at once even when deferred: a state that counts on a reminder without its row is the mark of a
        // crash (or a refusal) that this activation repairs.
        ArmTimer(reminderName, due);
        if (stored is null)
        {
            await RegisterBackstopAsync(reminderName, due);
        }
        else
        {
            _backed.Add(reminderName);
        }
    }

    private void ArmTimer(string reminderName, TimeSpan due)
    {
        Forget(reminderName);
        var self = this.AsReference<IRemindable>();
        var dueAt = Clock.GetUtcNow() + due;
        var timer = Clock.CreateTimer(
            _ => _ = DeliverAsync(self, reminderName, dueAt, Clock),
            null,
            due,
            Timeout.InfiniteTimeSpan);
        _armed[reminderName] = (dueAt, timer);
    }

    /// <summary>Removes the reminder <paramref name="reminderName"/>; removing one that does not exist does nothing.</summary>
    protected async Task DisarmAsync(string reminderName)
    {
        Forget(reminderName);
        if (_deferred.Remove(reminderName))
        {
            // Only its timer was armed: there is no row to remove.
            return;
        }

        _backed.Remove(reminderName);
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static async Task DeliverAsync(IRemindable self, string reminderName, DateTimeOffset dueAt, TimeProvider clock)
    {
        try
        {
            // A timer counts elapsed time, the grain compares wall-clock times: the tick waits until the clock says due.
            for (var early = dueAt - clock.GetUtcNow(); early > TimeSpan.Zero; early = dueAt - clock.GetUtcNow())
            {
                await Task.Delay(early, clock);
            }

            await self.ReceiveReminder(reminderName, new TickStatus(dueAt.UtcDateTime, RepeatPeriod, dueAt.UtcDateTime));
        }
        catch (Exception)
        {
            // The durable backstop delivers it again.
        }
    }

    private void Forget(string reminderName)
    {
        _standAlone.Remove(reminderName);
        if (_armed.Remove(reminderName, out var armed))
        {
            armed.Timer.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling reminder {Reminder} of {Grain} failed ({Failures} in a row); it is delivered again in {RetryIn}")]
    private static partial void LogHandlingFailed(ILogger logger, Exception exception, string reminder, GrainId grain, int failures, TimeSpan retryIn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The durable backstop of reminder {Reminder} of {Grain} was not registered; its timer stands alone")]
    private static partial void LogBackstopRefused(ILogger logger, Exception exception, string reminder, GrainId grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deferred backstop of reminder {Reminder} of {Grain} was not registered as its activation ended; the grain is woken to register it")]
    private static partial void LogDeferredBackstopLost(ILogger logger, Exception exception, string reminder, GrainId grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The durable backstop of reminder {Reminder} of {Grain} could not be read; it is registered again")]
    private static partial void LogBackstopUnread(ILogger logger, Exception exception, string reminder, GrainId grain);
}
