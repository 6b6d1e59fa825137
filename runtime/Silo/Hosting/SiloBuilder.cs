using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Storage.Memory;
using Orchestrator.Runtime.Storage.Sqlite;

namespace Orchestrator.Runtime.Hosting;

/// <summary>Configures a silo: which grain classes it hosts, its storage and its options.</summary>
public sealed class SiloBuilder
{
    internal List<Type> GrainClasses { get; } = [];

    internal List<Action<SiloOptions>> Configurations { get; } = [];

    internal Func<IServiceProvider, IStorageBackend>? StorageFactory { get; private set; }

    /// <summary>Hosts every concrete grain class of <paramref name="assembly"/>.</summary>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        GrainClasses.AddRange(assembly.GetTypes().Where(IsGrainClass));
        return this;
    }

    /// <summary>Hosts the given grain classes.</summary>
    public SiloBuilder AddGrains(params Type[] grainClasses)
    {
        GrainClasses.AddRange(grainClasses);
        return this;
    }

    /// <summary>Changes silo options.</summary>
    public SiloBuilder Configure(Action<SiloOptions> configure)
    {
        Configurations.Add(configure);
        return this;
    }

    /// <summary>Keeps everything in memory (tests; nothing survives a restart).</summary>
    public SiloBuilder UseMemoryStorage() => UseStorage(_ => new MemoryStorageBackend());

    /// <summary>Keeps everything in one SQLite file (WAL, group commit).</summary>
    public SiloBuilder UseSqliteStorage(string path) => UseSqliteStorage(new SqliteStorageOptions(path));

    /// <summary>Keeps everything in one SQLite file with explicit options.</summary>
    public SiloBuilder UseSqliteStorage(SqliteStorageOptions options) =>
        UseStorage(sp => new SqliteStorageBackend(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteStorageBackend>>()));

    /// <summary>Uses a custom storage backend.</summary>
    public SiloBuilder UseStorage(Func<IServiceProvider, IStorageBackend> factory)
    {
        StorageFactory = factory;
        return this;
    }

    private static bool IsGrainClass(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } &&
        typeof(IGrain).IsAssignableFrom(type);
}
