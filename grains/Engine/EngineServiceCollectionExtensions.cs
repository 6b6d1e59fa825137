using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Nodes;
using Orchestrator.Queues;
using Orchestrator.Reminders;
using Orleans.Hosting;
using Orchestrator.Schedules;

namespace Orchestrator.Runs.Engine;

/// <summary>Registers the workflow engine's services with a silo host.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds node executors, the attempt runner, the definition cache, schedules, and run and schedule recovery
    /// on start (then the sweep of queue consumers whose loops ended), and the sampling of queue and loop histories. Call after <c>AddSilo</c> so recovery starts after
    /// the silo.</summary>
    public static IServiceCollection AddWorkflowEngine(
        this IServiceCollection services,
        Action<EngineOptions>? configureEngine = null,
        Action<NodeExecutorOptions>? configureNodes = null)
    {
        var options = new EngineOptions();
        configureEngine?.Invoke(options);
        return services.AddWorkflowEngine(options, configureNodes);
    }

    /// <summary>Adds the engine with <paramref name="options"/> as its settings (see the overload above).</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services, EngineOptions options, Action<NodeExecutorOptions>? configureNodes = null)
    {
        services.AddSingleton(options);
        services.AddSingleton<DefinitionCache>();
        services.AddSingleton<AttemptRunner>();
        services.AddSingleton<RunWakeUps>();
        services.AddSingleton<Diagnostics.EngineMetrics>();
        services.AddHttpClient();
        services.AddNodeExecutors(configureNodes);
        services.AddHostedService<RunRecoveryService>();
        services.AddHostedService<ClusterRecoveryService>();
        services.AddHostedService<Loops.LoopConsumerSweep>();
        services.AddHostedService<History.HistorySampling>();
        services.AddSchedules();
        services.AddQueues();
        services.AddSingleton<Loops.LoopRunnerFactory>();
        services.AddSingleton<Loops.LoopMetrics>();

        // One-shot reminders fire again every RepeatPeriod until handled; Orleans refuses periods below its minimum.
        services.PostConfigure<ReminderOptions>(reminders =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, OneShotReminderGrain.RepeatPeriod.Ticks)));
        return services;
    }
}
