using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Providers.Postgres;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>What a user sees when the connection string or the server is wrong: a message that names the problem and
/// the server, never the password.</summary>
[Collection(nameof(PostgresTests))]
public sealed class PostgresConnectionTests(PostgresFixture postgres)
{
    private const string Secret = "s3cret-Passw0rd";

    /// <summary>The backend's log entry for a server that does not answer yet.</summary>
    private const int UnreachableEventId = 3;

    [Theory]
    [InlineData("Host=127.0.0.1;Password=" + Secret + ";Port=not-a-number", "'Port'")]
    [InlineData("Host=127.0.0.1;Password=" + Secret + ";Colour=blue", "'Colour'")]
    [InlineData("Host=127.0.0.1;Password=" + Secret + ";Port", "keyword=value")]
    [InlineData("Host=127.0.0.1;Password='" + Secret, "keyword=value")]
    [InlineData("Password=" + Secret + ";Database=orchestrator", "Host=")]
    [InlineData("   ", "empty")]
    public void Constructor_ThrowsArgumentExceptionNamingTheProblemWithoutThePassword_WhenTheConnectionStringIsMalformed(
        string connectionString, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresStorageBackend(connectionString));

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_RetriesThenThrowsWithoutThePassword_WhenNothingListensOnThePort()
    {
        var port = UnusedPort();
        var options = new PostgresStorageOptions($"Host=127.0.0.1;Port={port};Database=orchestrator;Username=silo;Password={Secret}")
        {
            StartupTimeout = TimeSpan.FromSeconds(1.5),
        };
        await using var backend = new PostgresStorageBackend(options, TimeProvider.System, NullLogger<PostgresStorageBackend>.Instance);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<PostgresUnavailableException>(() => backend.InitializeAsync(CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(30));
        Assert.Contains($"127.0.0.1:{port}/orchestrator as silo", error.Message, StringComparison.Ordinal);
        Assert.Contains("startup timeout", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_ConnectsOnceTheServerAnswers_WhenItStartsListeningWithinTheTimeout()
    {
        var server = new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString);
        var port = UnusedPort();
        using var relay = new TcpListener(IPAddress.Loopback, port);
        var options = new PostgresStorageOptions(await postgres.Server.CreateDatabaseAsync("late_server"))
        {
            StartupTimeout = TimeSpan.FromSeconds(30),
        };
        var late = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Port = port, Pooling = false };
        var retrying = new LogSignal<PostgresStorageBackend>(UnreachableEventId);
        await using var backend = new PostgresStorageBackend(options with { ConnectionString = late.ConnectionString }, TimeProvider.System, retrying);

        var initializing = backend.InitializeAsync(CancellationToken.None);
        Assert.Contains($"127.0.0.1:{port}", await retrying.Logged.WaitAsync(TimeSpan.FromSeconds(20)), StringComparison.Ordinal);
        Assert.False(initializing.IsCompleted);
        relay.Start();
        using var forwarding = new CancellationTokenSource();
        var forwarder = ForwardAsync(relay, server.Port, forwarding.Token);

        await initializing;
        await backend.PingAsync(CancellationToken.None);
        await forwarding.CancelAsync();
        await forwarder;
    }

    [Fact]
    public async Task InitializeAsync_FailsAtOnceWithoutThePassword_WhenTheDatabaseDoesNotExist()
    {
        var missing = new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { Database = "no_such_database", Password = Secret };
        await using var backend = new PostgresStorageBackend(new PostgresStorageOptions(missing.ConnectionString), TimeProvider.System,
            NullLogger<PostgresStorageBackend>.Instance);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<PostgresUnavailableException>(() => backend.InitializeAsync(CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("no_such_database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_LeavesThePasswordOut_WhenOptionsArePrinted()
    {
        var options = new PostgresStorageOptions($"Host=db;Port=5433;Database=orchestrator;Username=silo;Password={Secret}");

        Assert.Equal("PostgresStorageOptions { db:5433/orchestrator as silo }", options.ToString());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stands for a server that starts late: relays each connection to the real server.</summary>
    private static async Task ForwardAsync(TcpListener relay, int serverPort, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await relay.AcceptTcpClientAsync(cancellationToken);
                connections.Add(RelayAsync(client, serverPort, cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private static async Task RelayAsync(TcpClient client, int serverPort, CancellationToken cancellationToken)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, serverPort, cancellationToken);
                var (a, b) = (client.GetStream(), server.GetStream());
                await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }
}
