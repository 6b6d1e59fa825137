namespace Orchestrator.Silo;

/// <summary>Settings of the silo executable, from standard configuration: command line (<c>--storage memory</c>,
/// <c>--data-dir ./data</c>, <c>--silo-name a</c>, <c>--shutdown-timeout 00:00:20</c>, <c>--queue-capacity 10000</c>), environment
/// (<c>ORCHESTRATOR_STORAGE</c>, <c>ORCHESTRATOR_DATADIR</c>, or unprefixed <c>Storage</c>, <c>DataDir</c>) and
/// <c>appsettings.json</c>. The command line wins.</summary>
internal sealed class SiloHostOptions
{
    public const string Memory = "memory";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The database file's name inside <see cref="DataDir"/>.</summary>
    public const string DatabaseFileName = "orchestrator.db";

    /// <summary>Where the API listens unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or Kestrel endpoints say otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    private static readonly string[] AvailableStorage = [Sqlite, Memory];

    /// <summary>The storage backend: <c>sqlite</c> (default), <c>memory</c>; <c>postgres</c> comes later.</summary>
    public string Storage { get; set; } = Sqlite;

    /// <summary>The folder holding the SQLite file, relative to the current directory unless rooted.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The folder of <c>dotnet</c> node plugins (<c>--plugins</c>), relative to the current directory unless rooted.</summary>
    public string Plugins { get; set; } = "plugins";

    /// <summary>The silo's name in logs and the health report; machine name and process id when absent.</summary>
    public string? SiloName { get; set; }

    /// <summary>Bound on letting running turns finish and flushing storage on shutdown.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The most messages a queue (a durable stream) holds unhandled by some consumer before <c>queue.push</c>
    /// waits (<c>--queue-capacity</c>).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>The port silos of a cluster talk on (<c>--silo-port</c>).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port grain clients connect to (<c>--gateway-port</c>).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The cluster's id (<c>--cluster-id</c>): silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "orchestrator";

    /// <summary>The service's id (<c>--service-id</c>): kept across deployments of the cluster (Orleans keys reminders and
    /// other durable data by it).</summary>
    public string ServiceId { get; set; } = "orchestrator";

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDir), DatabaseFileName);

    /// <summary>Every problem with these settings, each naming the setting and what is allowed; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.Equals(Storage, Postgres, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("PostgreSQL storage is not available in this build yet; use --storage sqlite or memory.");
        }
        else if (!AvailableStorage.Contains(Storage, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"Unknown storage '{Storage}' (--storage, ORCHESTRATOR_STORAGE); allowed values: {string.Join(", ", AvailableStorage)}.");
        }

        if (string.IsNullOrWhiteSpace(DataDir) && string.Equals(Storage, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("The data directory (--data-dir, ORCHESTRATOR_DATADIR) must not be empty with sqlite storage.");
        }

        if (SiloName is { } name && string.IsNullOrWhiteSpace(name))
        {
            problems.Add("The silo name (--silo-name, ORCHESTRATOR_SILONAME) must not be blank.");
        }

        foreach (var (id, option) in new[] { (ClusterId, "cluster id (--cluster-id, ORCHESTRATOR_CLUSTERID)"), (ServiceId, "service id (--service-id, ORCHESTRATOR_SERVICEID)") })
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add($"The {option} must not be blank.");
            }
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            problems.Add($"The shutdown timeout (--shutdown-timeout, ORCHESTRATOR_SHUTDOWNTIMEOUT) must be positive, not {ShutdownTimeout}.");
        }

        foreach (var (port, option) in new[] { (SiloPort, "silo port (--silo-port, ORCHESTRATOR_SILOPORT)"), (GatewayPort, "gateway port (--gateway-port, ORCHESTRATOR_GATEWAYPORT)") })
        {
            if (port is < 1 or > 65535)
            {
                problems.Add($"The {option} must be from 1 to 65535, not {port}.");
            }
        }

        if (SiloPort == GatewayPort)
        {
            problems.Add($"The silo port and the gateway port (--silo-port, --gateway-port) must differ; both are {SiloPort}.");
        }

        if (QueueCapacity < 1)
        {
            problems.Add($"The queue capacity (--queue-capacity, ORCHESTRATOR_QUEUECAPACITY) must be at least 1, not {QueueCapacity}.");
        }

        return problems;
    }

    /// <summary>Whether the chosen storage is <paramref name="storage"/>.</summary>
    public bool Uses(string storage) => string.Equals(Storage, storage, StringComparison.OrdinalIgnoreCase);
}
