namespace Orchestrator.Runtime;

/// <summary>Base class of grain implementations. The runtime constructs grains through dependency injection and
/// binds them to their activation before the first call.</summary>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>The activation this grain instance belongs to.</summary>
    protected IGrainContext GrainContext =>
        _context ?? throw new InvalidOperationException("The grain is not bound to an activation yet; use OnActivateAsync rather than the constructor.");

    /// <summary>The grain's identity.</summary>
    public GrainId GrainId => GrainContext.GrainId;

    /// <summary>Factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => GrainContext.Services;

    internal void Bind(IGrainContext context) => _context = context;

    /// <summary>Called once, as the activation's first turn, after persistent state was loaded.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once, as the activation's last turn.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation when the current turn ends; the next call activates it again.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    /// <summary>Keeps this activation from idle collection for at least <paramref name="duration"/> (work in flight outside
    /// turns, say); a negative duration cancels an earlier delay.</summary>
    protected void DelayDeactivation(TimeSpan duration) => GrainContext.DelayDeactivation(duration);

    /// <summary>Starts a timer whose callback runs as a turn of this activation. Timers are not durable.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterTimer(callback, new GrainTimerCreationOptions { DueTime = dueTime, Period = period });

    /// <summary>Starts a timer with explicit options.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        GrainContext.RegisterTimer(callback, options);

    /// <summary>Registers or replaces a durable reminder. A zero or negative <paramref name="period"/> makes it one-shot.
    /// The grain must implement <see cref="IRemindable"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.Reminders.RegisterOrUpdateAsync(reminderName, dueTime, period);

    /// <summary>Removes a reminder; removing one that does not exist is not an error.</summary>
    protected Task UnregisterReminder(string reminderName) => GrainContext.Reminders.UnregisterAsync(reminderName);

    /// <summary>Returns the reminder with this name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) => GrainContext.Reminders.GetAsync(reminderName);

    /// <summary>Returns the stream provider registered under <paramref name="name"/>.</summary>
    protected IStreamProvider GetStreamProvider(string name) => StreamProviders.Get(ServiceProvider, name);
}
