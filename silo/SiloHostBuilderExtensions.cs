using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Sqlite;
using Orchestrator.Providers.Storage;
using Orchestrator.Runs.Engine;
using Orchestrator.Serialization;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace Orchestrator.Silo;

/// <summary>Composes the Orleans silo, our providers, the engine and the web host from <see cref="SiloHostOptions"/>.</summary>
internal static class SiloHostBuilderExtensions
{
    /// <summary>Added to the silo's shutdown bound for the host, so that the web server's drain and the silo's own
    /// bounded shutdown both fit.</summary>
    private static readonly TimeSpan HostShutdownMargin = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddOrchestratorSilo(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        if (!builder.Configuration.HasServerAddresses())
        {
            builder.WebHost.UseUrls(SiloHostOptions.DefaultUrls);
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });

        builder.Services.AddSingleton(options);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout + HostShutdownMargin);
        builder.UseOrleans(silo => silo.AddOrchestrator(options));
        builder.Services.AddWorkflowEngine(configureNodes: nodes => nodes.PluginDirectory = Path.GetFullPath(options.Plugins));
        return builder;
    }

    /// <summary>One silo on localhost clustering with our providers, the silo-local streams, grain statistics and
    /// Orleans' dashboard.</summary>
    public static ISiloBuilder AddOrchestrator(this ISiloBuilder silo, SiloHostOptions options)
    {
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName ?? $"{Environment.MachineName}:{Environment.ProcessId}");
        silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = options.ShutdownTimeout);
        silo.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
        silo.AddOrchestratorStorage(sp => CreateBackend(options, sp));
        silo.AddOrchestratorStreams(streams => streams.Capacity = options.QueueCapacity);
        silo.AddGrainStatistics();
        silo.AddSiloKeyedPlacement();
        silo.AddDashboard();
        return silo;
    }

    private static IStorageBackend CreateBackend(SiloHostOptions options, IServiceProvider services) =>
        options.Uses(SiloHostOptions.Sqlite)
            ? new SqliteStorageBackend(
                new SqliteStorageOptions(options.DatabasePath),
                services.GetRequiredService<TimeProvider>(),
                services.GetService<ILogger<SqliteStorageBackend>>() ?? NullLogger<SqliteStorageBackend>.Instance)
            : new MemoryStorageBackend();
}
