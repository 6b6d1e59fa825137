namespace Orchestrator.Silo.Tests;

public sealed class SiloHostOptionsTests
{
    [Fact]
    public void Validate_ReportsNoProblem_WhenDefaults()
    {
        var options = new SiloHostOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("sqlite", options.Storage);
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data", "orchestrator.db"), options.DatabasePath);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("SQLite")]
    public void Validate_ReportsNoProblem_WhenStorageIsAvailable(string storage)
    {
        Assert.Empty(new SiloHostOptions { Storage = storage }.Validate());
    }

    [Fact]
    public void Validate_SaysPostgresIsNotAvailableYet_WhenStorageIsPostgres()
    {
        var problem = Assert.Single(new SiloHostOptions { Storage = "postgres" }.Validate());

        Assert.Equal("PostgreSQL storage is not available in this build yet; use --storage sqlite or memory.", problem);
    }

    [Fact]
    public void Validate_NamesAllowedValues_WhenStorageIsUnknown()
    {
        var problem = Assert.Single(new SiloHostOptions { Storage = "bogus" }.Validate());

        Assert.Contains("'bogus'", problem, StringComparison.Ordinal);
        Assert.Contains("allowed values: sqlite, memory", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsEveryProblem_WhenSeveralSettingsAreWrong()
    {
        var options = new SiloHostOptions { Storage = "sqlite", DataDir = " ", SiloName = "", ShutdownTimeout = TimeSpan.Zero, QueueCapacity = 0 };

        var problems = options.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("--queue-capacity", StringComparison.Ordinal));
    }
}
