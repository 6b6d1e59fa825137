using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Hosting;

/// <summary>Follows the Orleans silo through its stages for <see cref="SiloLifecycle"/>: running once the silo is active,
/// stopping as soon as it begins to stop (before anything is torn down), stopped once the runtime stage has stopped.</summary>
internal sealed partial class SiloLifecycleTracker(
    SiloLifecycle lifecycle, IReminderTable reminders, TimeProvider clock, ILogger<SiloLifecycleTracker> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public const string RemindersComponent = "reminders";

    public void Participate(ISiloLifecycle silo)
    {
        silo.Subscribe(nameof(SiloLifecycleTracker), ServiceLifecycleStage.Active,
            async cancellationToken =>
            {
                // Orleans' reminder service has started in an earlier stage; its table holds every reminder of the silo.
                // The count is for the log only: a storage that fails to give it does not stop the silo's start.
                if (logger.IsEnabled(LogLevel.Information))
                {
                    try
                    {
                        var stored = await reminders.ReadRows(0, 0, cancellationToken).ConfigureAwait(false);
                        LogRemindersStarted(logger, stored.Reminders.Count);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogRemindersNotCounted(logger, e);
                    }
                }

                lifecycle.SetComponent(RemindersComponent, "ready");
                lifecycle.MarkRunning(clock.GetUtcNow());
            },
            _ =>
            {
                lifecycle.MarkStopping(clock.GetTimestamp());
                lifecycle.SetComponent(RemindersComponent, "stopped");
                return Task.CompletedTask;
            });
        silo.Subscribe(nameof(SiloLifecycleTracker), ServiceLifecycleStage.RuntimeInitialize - 1,
            _ => Task.CompletedTask,
            _ =>
            {
                lifecycle.MarkStopped();
                return Task.CompletedTask;
            });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder service started with {Count} reminders")]
    private static partial void LogRemindersStarted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder service started; its reminders could not be counted")]
    private static partial void LogRemindersNotCounted(ILogger logger, Exception exception);
}
