using Orchestrator.Runs.Engine;
using Orchestrator.Testing;

namespace Orchestrator.Benchmarks;

/// <summary>A test silo with the workflow engine on a SQLite file in a temporary folder, removed on dispose.</summary>
internal sealed class SqliteEngineSilo : IAsyncDisposable
{
    private readonly string _directory;

    private SqliteEngineSilo(string directory, TestSilo silo)
    {
        _directory = directory;
        Silo = silo;
    }

    public TestSilo Silo { get; }

    public static async Task<SqliteEngineSilo> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"orchestrator-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var silo = await TestSilo.StartAsync(new TestSiloOptions
            {
                SqlitePath = Path.Combine(directory, "bench.db"),
                Services = services => services.AddWorkflowEngine(),
            });
            return new SqliteEngineSilo(directory, silo);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Silo.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
