using System.Globalization;
using System.Net;
using Npgsql;

namespace Orchestrator.Testing.Postgres;

/// <summary>A throwaway PostgreSQL server for tests: a fresh cluster made by <c>initdb</c> in a temporary directory,
/// started by <c>pg_ctl</c> on a free TCP port of 127.0.0.1 (its unix socket in the same directory, fsync on, trust
/// authentication), stopped and deleted on dispose. When the tests run as root the server runs as the <c>postgres</c>
/// user. Share one per test assembly (a collection fixture) and give each test a database of its own.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);
    private const int StartAttempts = 3;

    private readonly PostgresInstallation _installation;
    private readonly string _directory;
    private int _databases;
    private bool _disposed;

    private PostgresServer(PostgresInstallation installation, string directory, int port)
    {
        _installation = installation;
        _directory = directory;
        Port = port;
        ConnectionString = ConnectionStringFor("postgres");
        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
    }

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The server's major version.</summary>
    public int MajorVersion => _installation.MajorVersion;

    /// <summary>Connects as the superuser <c>postgres</c> (no password) to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "server.log");

    /// <summary>Makes a new cluster and starts it. Throws, saying how to install PostgreSQL, when the binaries are
    /// missing or the server does not start.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var installation = PostgresInstallation.FindNewest() ?? throw new InvalidOperationException(
            $"No PostgreSQL server found (looked for {PostgresInstallation.Root}/<version>/bin/initdb). " + PostgresInstallation.HowToInstall());

        // As root the server runs as another user, who must be able to reach the directory: /tmp, not a TMPDIR under
        // root's home, and a parent directory anyone may traverse whatever the umask.
        var parent = Path.Combine(PostgresTool.RunningAsRoot ? "/tmp" : Path.GetTempPath(), "orchestrator-postgres");
        Directory.CreateDirectory(parent);
        if (PostgresTool.RunningAsRoot && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var directory = Path.Combine(parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await PostgresTool.HandOverAsync(directory);
            await PostgresTool.RunAsync(installation.Program("initdb"),
                ["-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                ToolTimeout);

            var failures = new List<string>();
            for (var attempt = 0; attempt < StartAttempts; attempt++)
            {
                var server = new PostgresServer(installation, directory, FreePorts.Next());
                try
                {
                    await server.StartServerAsync();
                    return server;
                }
                catch (InvalidOperationException e)
                {
                    // Another process may have taken the port between our probe and the server's bind.
                    AppDomain.CurrentDomain.ProcessExit -= server.StopOnExit;
                    failures.Add(e.Message);
                }
            }

            throw new InvalidOperationException(
                $"PostgreSQL {installation.MajorVersion} did not start after {StartAttempts} attempts:\n{string.Join('\n', failures)}\n" +
                PostgresInstallation.HowToInstall());
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{Sanitize(prefix)}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>A connection string to one of the server's databases, as the superuser.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = "postgres",
        Database = database,
        // Each test opens its own pools; keep a test from exhausting the server's connections.
        MaxPoolSize = 20,
    }.ConnectionString;

    /// <summary>Stops the server at once (no shutdown checkpoint: the data is thrown away) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PostgresTool.RunAsync(_installation.Program("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], ToolTimeout);
        }
        finally
        {
            DeleteDirectory(_directory);
        }
    }

    private string ServerOptions => string.Join(' ',
        $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
        $"-k {_directory}",
        "-c listen_addresses=127.0.0.1",
        "-c fsync=on",
        "-c max_connections=300");

    /// <summary>Restarts the server as an operator would (<c>pg_ctl restart -m fast</c>): open connections are closed,
    /// in-flight transactions rolled back, committed data kept. Returns once it accepts connections again.</summary>
    public async Task RestartAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await PostgresTool.RunAsync(_installation.Program("pg_ctl"),
            ["restart", "-D", DataDirectory, "-l", LogFile, "-m", "fast", "-w", "-t", "60", "-o", ServerOptions], ToolTimeout);

        // This process's pooled connections were closed by the server: later tests start from fresh ones.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server as an operator would (<c>pg_ctl stop -m fast</c>); <see cref="StartAgainAsync"/> brings
    /// it back with its data.</summary>
    public async Task StopAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await PostgresTool.RunAsync(_installation.Program("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], ToolTimeout);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port.</summary>
    public Task StartAgainAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return StartServerAsync();
    }

    private async Task StartServerAsync()
    {
        var options = ServerOptions;
        try
        {
            await PostgresTool.RunAsync(_installation.Program("pg_ctl"),
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options], ToolTimeout);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{ReadLog()}", e);
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(none)";
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    /// <summary>A test run that ends without disposing the fixture must not leave a server behind.</summary>
    private void StopOnExit(object? sender, EventArgs e)
    {
        try
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Best effort while the process exits.
        }
    }

    private static string Sanitize(string prefix)
    {
        var name = new string([.. prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return name.Length > 30 ? name[..30] : name;
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temporary directory left behind is not worth failing a test run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
