using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Schedules;

/// <summary>After the silo (and its reminders) started: activates every enabled schedule, found through the schedules
/// view, so that one whose reminder was lost between its state write and its reminder write gets it back. Reports the
/// <c>schedules</c> component of the silo's health.</summary>
internal sealed partial class ScheduleRecoveryService(
    IGrainStateQueries queries,
    IGrainFactory grains,
    SiloLifecycle lifecycle,
    ILogger<ScheduleRecoveryService> logger) : IHostedService
{
    public const string Component = "schedules";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lifecycle.SetComponent(Component, "starting");
        var checkedCount = 0;
        var failed = 0;
        try
        {
            await foreach (var row in queries.ReadViewAsync(ScheduleState.SchedulesView, null, ScheduleState.EnabledKey, cancellationToken: cancellationToken))
            {
                try
                {
                    await grains.GetGrain<IScheduleGrain>(row.GrainKey).GetAsync();
                    checkedCount++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed++;
                    LogScheduleFailed(logger, e, row.GrainKey);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lifecycle.SetComponent(Component, $"failed: {e.Message}");
            LogRecoveryFailed(logger, e);
            return;
        }

        // One schedule that cannot be read is logged, not a reason to call the silo unhealthy.
        lifecycle.SetComponent(Component, "ready");
        LogResumed(logger, checkedCount, failed);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lifecycle.SetComponent(Component, "stopped");
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} enabled schedules ({Failed} could not be resumed)")]
    private static partial void LogResumed(ILogger logger, int count, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId} could not be resumed")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string scheduleId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedules could not be resumed")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);
}
