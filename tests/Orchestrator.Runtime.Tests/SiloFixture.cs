using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Runtime.Tests;

/// <summary>Starts test silos with the test grains and a probe, and deletes their SQLite files afterwards.</summary>
internal static class Silos
{
    public static TestSiloOptions Options(Probe probe, string? sqlitePath = null, TimeProvider? clock = null, Action<SiloOptions>? configure = null) => new()
    {
        GrainAssemblies = [typeof(Probe).Assembly],
        SqlitePath = sqlitePath,
        Clock = clock,
        Configure = configure,
        Services = services => services.AddSingleton(probe),
    };

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "orchestrator-tests", $"{Guid.NewGuid():N}.db");

    public static void DeleteDatabase(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
