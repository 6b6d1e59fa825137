using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orchestrator.Schedules;

/// <summary>Registers what schedule grains need.</summary>
public static class ScheduleServiceCollectionExtensions
{
    /// <summary>Adds the schedule options (unless registered already) and the start-up step that resumes schedules.
    /// Call after <c>AddSilo</c> so that it starts once the silo's reminders run.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services, Action<ScheduleOptions>? configure = null)
    {
        var options = new ScheduleOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.AddHostedService<ScheduleRecoveryService>();
        return services;
    }
}
