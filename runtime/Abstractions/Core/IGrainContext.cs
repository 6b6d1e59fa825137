namespace Orchestrator.Runtime;

/// <summary>What the runtime gives a grain activation: its identity and the runtime services bound to it.</summary>
public interface IGrainContext
{
    /// <summary>The grain's identity.</summary>
    GrainId GrainId { get; }

    /// <summary>Factory for references to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The silo's service provider.</summary>
    IServiceProvider Services { get; }

    /// <summary>Creates a timer whose ticks run as turns of this activation.</summary>
    IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options);

    /// <summary>Durable reminders of this grain.</summary>
    IReminderRegistry Reminders { get; }

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    void DeactivateOnIdle();

    /// <summary>Keeps the activation from idle collection for at least <paramref name="duration"/>; a negative duration
    /// cancels an earlier delay. Shutdown still deactivates it.</summary>
    void DelayDeactivation(TimeSpan duration);
}
