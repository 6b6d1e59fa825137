using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Silo.Tests;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>A silo that cannot start because of its settings or its surroundings stops with exit code 2 and one message
/// that says what to fix, naming the PostgreSQL server by host, port, database and user but never the password.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class SiloStartupFailureTests(PostgresClusterFixture postgres) : IDisposable
{
    private const string Password = "hunter2-secret";
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _workDir = new();

    public void Dispose() => _workDir.Dispose();

    [Fact]
    public async Task Silo_ExitsWith2NamingTheServer_WhenPostgresDoesNotAnswerWithinTheStartupTimeout()
    {
        var port = SiloProcess.FreePort();
        var connectionString = $"Host=127.0.0.1;Port={port};Database=orchestrator;Username=silo;Password={Password}";
        var clock = Stopwatch.StartNew();

        var (exitCode, error) = await RunAsync("--storage", "postgres", "--postgres", connectionString, "--startup-timeout", "00:00:02");

        Assert.True(exitCode == 2, $"exit code {exitCode}: {error}");
        Assert.Contains($"127.0.0.1:{port}/orchestrator as silo", error, StringComparison.Ordinal);
        Assert.Contains("did not answer within 2 s", error, StringComparison.Ordinal);
        Assert.Contains("--startup-timeout", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Silo_ExitsWith2NamingTheDatabase_WhenTheDatabaseDoesNotExist()
    {
        var connectionString = $"{postgres.Server.ConnectionStringFor("no_such_database")};Password={Password}";

        var (exitCode, error) = await RunAsync("--storage", "postgres", "--postgres", connectionString);

        Assert.True(exitCode == 2, $"exit code {exitCode}: {error}");
        Assert.Contains($":{postgres.Server.Port}/no_such_database as postgres", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=five;Password=" + Password, "port")]
    [InlineData("Password=" + Password + ";Database=orchestrator", "Host=")]
    public async Task Silo_ExitsWith2NamingTheOptionButNotThePassword_WhenTheConnectionStringIsMalformed(string connectionString, string named)
    {
        var (exitCode, error) = await RunAsync("--storage", "postgres", "--postgres", connectionString);

        Assert.True(exitCode == 2, $"exit code {exitCode}: {error}");
        Assert.Contains("--postgres", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_ExitsWith2NamingThePorts_WhenItsSiloPortIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, error) = await RunAsync("--storage", "memory", "--silo-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 2, $"exit code {exitCode}: {error}");
        Assert.Contains($"--silo-port (now {port})", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Error)> RunAsync(params string[] args)
    {
        using var silo = SiloProcess.Start(_workDir.Path, ["--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}", .. args]);
        var exitCode = await silo.WaitForExitAsync(ExitBound);
        Assert.DoesNotContain(Password, silo.Output, StringComparison.Ordinal);
        return (exitCode, silo.Error);
    }
}
