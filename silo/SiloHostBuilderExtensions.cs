using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Orchestrator.Providers.Cluster;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Postgres;
using Orchestrator.Providers.Sqlite;
using Orchestrator.Providers.Storage;
using Orchestrator.Runs.Engine;
using Orchestrator.Serialization;
using Orchestrator.Silo.Cluster;
using Orchestrator.Silo.Telemetry;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace Orchestrator.Silo;

/// <summary>Composes the Orleans silo, our providers, the engine and the web host from <see cref="SiloHostOptions"/>.</summary>
internal static partial class SiloHostBuilderExtensions
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

        builder.AddOrchestratorTelemetry(options);
        var traceGrainCalls = options.TraceGrainCalls && SiloTelemetry.Exports(options, builder.Configuration);

        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<Memory.IdleMemoryTrim>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout + HostShutdownMargin);
        builder.UseOrleans(silo =>
        {
            silo.AddOrchestrator(options);
            if (traceGrainCalls)
            {
                // Grain calls carry the caller's span across silos (and make spans of their own when recorded).
                silo.AddActivityPropagation();
            }
        });
        options.Engine.TraceLoopEvery = options.TraceLoopEvery;
        builder.Services.AddWorkflowEngine(options.Engine, nodes => nodes.PluginDirectory = Path.GetFullPath(options.Plugins));
        return builder;
    }

    /// <summary>One line per message, UTC timestamps.</summary>
    public static void ConfigureConsole(SimpleConsoleFormatterOptions console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.SingleLine = true;
        console.UseUtcTimestamp = true;
        console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
    }

    /// <summary>Grain locations the silo's directory cache keeps (Orleans' default is a million, each kept up to four
    /// minutes): every run ever called lands in it, so a silo finishing thousands of runs a second held hundreds of
    /// thousands of entries, and Orleans' dashboard, which reads the cache's size every second by walking it, spent about
    /// 25 ms of CPU on each reading, idle or not. The entries worth keeping are the few long-lived grains a silo calls
    /// on other silos (workflows, loops, queues, schedules); a run's own calls are answered from its activation.</summary>
    public const int DirectoryCacheSize = 10_000;

    /// <summary>A silo with our providers, the silo-local streams, grain statistics and Orleans' dashboard: alone on
    /// localhost clustering, or with <c>--storage postgres</c> a member of the cluster whose membership the database
    /// holds.</summary>
    public static ISiloBuilder AddOrchestrator(this ISiloBuilder silo, SiloHostOptions options)
    {
        if (options.Uses(SiloHostOptions.PostgresStorageName))
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.UsePostgresClustering(options.PostgresStorage.ConnectionString);
            // Given an address, the silo and gateway ports listen on it alone (a private one, away from users' networks).
            silo.ConfigureEndpoints(options.AdvertisedIp ?? AdvertisedAddress.Default(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.AdvertisedIp is null);
            silo.Configure<ClusterMembershipOptions>(FailureDetection.Configure);
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        if (options.ClusterCertificate is { Length: > 0 } path)
        {
            var certificate = ClusterTls.Load(path, options.ClusterCertificatePassword);
            silo.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
        }

        silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName ?? $"{Environment.MachineName}:{Environment.ProcessId}");
        silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = options.ShutdownTimeout);
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
        silo.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
        silo.AddOrchestratorStorage(sp => CreateBackend(options, sp));
        silo.AddOrchestratorStreams(streams => streams.Capacity = options.QueueCapacity);
        silo.AddGrainStatistics();
        silo.AddSiloKeyedPlacement();
        silo.AddDashboard();
        return silo;
    }

    private static IStorageBackend CreateBackend(SiloHostOptions options, IServiceProvider services)
    {
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var backend = CreateBackend(options, services.GetRequiredService<TimeProvider>(), loggers);
        if (options.StorageFaults is not { } faults)
        {
            return backend;
        }

        var logger = loggers.CreateLogger<FaultInjectingBackend>();
        LogFaultsInjected(logger, faults);
        return new FaultInjectingBackend(backend, new StorageFaults(faults), logger);
    }

    /// <summary>The storage backend <paramref name="options"/> name (also opened by <c>keys create</c> and the start-up
    /// checks before the silo runs).</summary>
    public static IStorageBackend CreateBackend(SiloHostOptions options, TimeProvider clock, ILoggerFactory loggers)
    {
        if (options.Uses(SiloHostOptions.SqliteStorageName))
        {
            return new SqliteStorageBackend(new SqliteStorageOptions(options.DatabasePath), clock, loggers.CreateLogger<SqliteStorageBackend>());
        }

        if (options.Uses(SiloHostOptions.PostgresStorageName))
        {
            return new PostgresStorageBackend(options.PostgresStorage, clock, loggers.CreateLogger<PostgresStorageBackend>());
        }

        return new MemoryStorageBackend();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage faults are injected on purpose ({Faults}): this silo is for drills and tests, not for work that matters")]
    private static partial void LogFaultsInjected(ILogger logger, StorageFaultOptions faults);
}
