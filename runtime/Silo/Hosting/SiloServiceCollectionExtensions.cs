using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Diagnostics;
using Orchestrator.Runtime.GrainDirectory;
using Orchestrator.Runtime.Invocation;
using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Storage.Memory;
using Orchestrator.Runtime.Streams;
using Orchestrator.Runtime.Streams.Durable;
using Orchestrator.Runtime.Streams.Memory;

namespace Orchestrator.Runtime.Hosting;

/// <summary>Adds a silo to a host.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Registers the grain runtime: <see cref="IGrainFactory"/>, <see cref="SiloLifecycle"/>, stream
    /// providers, and a hosted service that starts and stops the silo with the host.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, Action<SiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new SiloBuilder();
        configure(builder);
        var options = new SiloOptions();
        foreach (var configuration in builder.Configurations)
        {
            configuration(options);
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new GrainTypeRegistry(builder.GrainClasses));
        var storageFactory = builder.StorageFactory ?? (_ => new MemoryStorageBackend());
        services.AddSingleton(storageFactory);
        services.AddSingleton<SiloLifecycle>();
        services.AddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<IGrainDirectory, LocalGrainDirectory>();
        services.AddSingleton(sp => new GrainActivator(
            sp.GetRequiredService<GrainTypeRegistry>(), sp, sp.GetRequiredService<IStorageBackend>(), options));
        services.AddSingleton<ActivationServices>();
        services.AddSingleton(sp => new Catalog(sp.GetRequiredService<ActivationServices>()));
        services.AddSingleton<GrainCaller>();
        services.AddSingleton<GrainFactory>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainFactory>());
        services.AddSingleton(sp => new ReminderService(
            sp.GetRequiredService<IStorageBackend>().Reminders,
            sp.GetRequiredService<GrainTypeRegistry>(),
            sp.GetRequiredService<GrainFactory>(),
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RuntimeMetrics>(),
            sp.GetRequiredService<ILogger<ReminderService>>()));
        services.AddSingleton<ActivationCollector>();
        services.AddSingleton<MemoryStreamProvider>();
        services.AddSingleton(sp => new DurableStreamProvider(
            sp.GetRequiredService<IStorageBackend>().Streams,
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<GrainTypeRegistry>(),
            sp.GetRequiredService<GrainFactory>(),
            sp.GetRequiredService<RuntimeMetrics>(),
            sp.GetRequiredService<ILogger<DurableStreamProvider>>()));
        services.AddSingleton<IStreamProviderRegistry>(sp => new StreamProviderRegistry(
            [sp.GetRequiredService<MemoryStreamProvider>(), sp.GetRequiredService<DurableStreamProvider>()]));
        // Ahead of the silo's hosted service, so that it listens before the first call.
        services.AddSingleton<GrainStatistics>();
        services.AddSingleton<IGrainStatistics>(sp => sp.GetRequiredService<GrainStatistics>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainStatistics>());
        services.AddSingleton<SiloHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloHostedService>());
        return services;
    }

    /// <summary>The storage backend's statistics and health; resolved by hosts for health checks.</summary>
    public static IStorageBackend GetStorageBackend(this IServiceProvider services) =>
        services.GetRequiredService<IStorageBackend>();
}
