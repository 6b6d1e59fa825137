namespace Orchestrator.Silo.Tests;

public sealed class SiloProcessTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_ExitsZeroWithStorageFlushed_WhenTerminatedWithSigterm()
    {
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "silo-data");
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var silo = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };

        await silo.WaitUntilHealthyAsync(client);
        silo.Terminate();
        var exitCode = await silo.WaitForExitAsync(ExitBound);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{silo.Output}\n{silo.Error}");
        Assert.Matches(@"Silo \S+ stopped in \d+ ms; storage flushed", silo.Output);
        Assert.True(File.Exists(Path.Combine(dataDir, "orchestrator.db")), silo.Output);
        Assert.False(Directory.Exists(Path.Combine(workDir.Path, "data")));
    }

    [Fact]
    public async Task Silo_WritesDatabaseUnderCurrentDirectory_WhenNoDataDirIsGiven()
    {
        using var workDir = new TemporaryDirectory();
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var silo = SiloProcess.Start(workDir.Path, "--urls", url);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };

        await silo.WaitUntilHealthyAsync(client);
        silo.Terminate();
        await silo.WaitForExitAsync(ExitBound);

        Assert.True(File.Exists(Path.Combine(workDir.Path, "data", "orchestrator.db")), silo.Output);
    }

    [Theory]
    [InlineData("postgres", "PostgreSQL storage needs a connection string: --postgres")]
    [InlineData("bogus", "Unknown storage 'bogus' (--storage, ORCHESTRATOR_STORAGE); allowed values: sqlite, memory, postgres")]
    public async Task Silo_ExitsNonZeroWithClearMessage_WhenStorageIsNotAvailable(string storage, string message)
    {
        using var workDir = new TemporaryDirectory();
        using var silo = SiloProcess.Start(workDir.Path, "--storage", storage, "--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}");

        var exitCode = await silo.WaitForExitAsync(ExitBound);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, silo.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(workDir.Path));
    }
}
