using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Streams.Cluster;
using Orchestrator.Providers.Streams.Durable;
using Orchestrator.Providers.Streams.Memory;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Orchestrator.Providers.Hosting;

/// <summary>Puts our providers under an Orleans silo: a storage backend (grain storage, named
/// <see cref="OrchestratorStorage.ProviderName"/> and the default, the reminder table, the queue store, the journal and
/// view queries), the silo-local streams, and grain statistics.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>A backend the silo creates, opens on start and closes on stop.</summary>
    public static ISiloBuilder AddOrchestratorStorage(this ISiloBuilder silo, Func<IServiceProvider, IStorageBackend> createBackend)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(createBackend);
        silo.Services.AddSingleton(createBackend);
        return silo.AddProviders(owned: true);
    }

    /// <summary>A backend opened by the caller and shared by every silo given it (the silos of an in-process test cluster
    /// over one SQLite file, say); the caller closes it after the silos stopped.</summary>
    public static ISiloBuilder AddOrchestratorStorage(this ISiloBuilder silo, IStorageBackend sharedBackend)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(sharedBackend);
        silo.Services.AddSingleton(sharedBackend);
        return silo.AddProviders(owned: false);
    }

    private static ISiloBuilder AddProviders(this ISiloBuilder silo, bool owned)
    {
        var services = silo.Services;
        services.TryAddSingleton<SiloLifecycle>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new StorageBackendLifecycle(
            sp.GetRequiredService<IStorageBackend>(), owned, sp.GetRequiredService<SiloLifecycle>(), sp.GetRequiredService<ILocalSiloDetails>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StorageBackendLifecycle>>()));
        services.TryAddSingleton<StateConflictMetrics>();
        services.TryAddSingleton<StorageWrites>();
        services.AddSingleton(sp => new ObservedGrainStorage(
            sp.GetRequiredService<IStorageBackend>().Grains, sp.GetRequiredService<StateConflictMetrics>(), sp.GetRequiredService<StorageWrites>()));
        services.AddGrainStorage(OrchestratorStorage.ProviderName, (sp, _) => sp.GetRequiredService<ObservedGrainStorage>());
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<ObservedGrainStorage>());
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Queries);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Queues);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Audit);
        silo.AddReminders();
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Reminders);
        return silo;
    }

    /// <summary>The streams: live (memory) streams for notifications and durable streams over the queue store, delivered
    /// on this silo and relayed to the others on an Orleans stream; and the silo's life-cycle status for health
    /// reports.</summary>
    public static ISiloBuilder AddOrchestratorStreams(this ISiloBuilder silo, Action<StreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        var options = new StreamOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton<SiloLifecycle>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StreamMetrics>();
        services.AddSingleton<MemoryStreamProvider>();
        services.AddSingleton<DurableStreamProvider>();
        services.AddSingleton<ITopicProvider>(sp => sp.GetRequiredService<MemoryStreamProvider>());
        services.AddSingleton<ITopicProvider>(sp => sp.GetRequiredService<DurableStreamProvider>());
        services.AddSingleton<ITopicProviderRegistry, TopicProviderRegistry>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StreamsLifecycle>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloLifecycleTracker>();

        // What is published on one silo reaches the subscribers on the others through an Orleans stream. Subscriptions
        // live as long as the silos that made them, so the pub-sub store may be memory.
        silo.AddMemoryStreams(ClusterRelay.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(ClusterRelay.Partitions);
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = ClusterRelay.PollPeriod));
        });
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME)))
        {
            silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        }

        services.AddSingleton<ClusterRelay>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterRelay>());
        return silo;
    }

    /// <summary>Grains placed on the silo their key names (<see cref="SiloKeyedPlacementAttribute"/>).</summary>
    public static ISiloBuilder AddSiloKeyedPlacement(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        return silo;
    }

    /// <summary>Grain calls and activations by grain type, read through <see cref="IGrainStatistics"/>.</summary>
    public static ISiloBuilder AddGrainStatistics(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton<GrainStatistics>();
        silo.Services.AddSingleton<IGrainStatistics>(sp => sp.GetRequiredService<GrainStatistics>());
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<GrainStatistics>());
        silo.Services.AddSingleton<IActivationWorkingSetObserver>(sp => sp.GetRequiredService<GrainStatistics>());
        return silo;
    }
}
