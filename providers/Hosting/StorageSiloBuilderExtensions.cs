using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Orchestrator.Providers.Hosting;

/// <summary>Puts one of our storage backends under a silo: grain storage (named <see cref="OrchestratorStorage.ProviderName"/>
/// and the default), the reminder table, the queue store and the journal and view queries.</summary>
public static class StorageSiloBuilderExtensions
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
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new StorageBackendLifecycle(
            sp.GetRequiredService<IStorageBackend>(), owned, sp.GetRequiredService<ILogger<StorageBackendLifecycle>>()));
        services.AddGrainStorage(OrchestratorStorage.ProviderName, (sp, _) => sp.GetRequiredService<IStorageBackend>().Grains);
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<IStorageBackend>().Grains);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Queries);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Queues);
        silo.AddReminders();
        services.AddSingleton(sp => sp.GetRequiredService<IStorageBackend>().Reminders);
        return silo;
    }
}
