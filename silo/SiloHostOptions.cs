using System.Net;
using Orchestrator.Providers.Cluster;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Postgres;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Silo;

/// <summary>Settings of the silo executable, from standard configuration: command line (<c>--storage memory</c>,
/// <c>--data-dir ./data</c>, <c>--silo-name a</c>, <c>--shutdown-timeout 00:00:20</c>, <c>--queue-capacity 10000</c>,
/// <c>--storage postgres --postgres "Host=…"</c>), environment (<c>ORCHESTRATOR_STORAGE</c>, <c>ORCHESTRATOR_DATADIR</c>,
/// <c>ORCHESTRATOR_POSTGRES</c>, or unprefixed <c>Storage</c>, <c>DataDir</c>) and <c>appsettings.json</c>. The command
/// line wins.</summary>
internal sealed class SiloHostOptions
{
    public const string MemoryStorageName = "memory";
    public const string SqliteStorageName = "sqlite";
    public const string PostgresStorageName = "postgres";

    /// <summary>The database file's name inside <see cref="DataDir"/>.</summary>
    public const string DatabaseFileName = "orchestrator.db";

    /// <summary>Where the API listens unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or Kestrel endpoints say otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public const string SimpleLogFormat = "simple";
    public const string JsonLogFormat = "json";

    private static readonly string[] AvailableStorage = [SqliteStorageName, MemoryStorageName, PostgresStorageName];

    private static readonly string[] AvailableLogFormats = [SimpleLogFormat, JsonLogFormat];

    /// <summary>The storage backend: <c>sqlite</c> (default), <c>memory</c>, or <c>postgres</c> (a cluster of silos on
    /// one database, which also holds the cluster's membership).</summary>
    public string Storage { get; set; } = SqliteStorageName;

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

    /// <summary>The Npgsql connection string of the PostgreSQL database (<c>--postgres</c>), with <c>--storage postgres</c>.</summary>
    public string? Postgres { get; set; }

    /// <summary>How long start-up waits for a PostgreSQL server that does not answer yet (<c>--startup-timeout</c>).</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The address other silos and grain clients reach this silo at (<c>--advertised-ip</c>), with
    /// <c>--storage postgres</c>; the first non-loopback IPv4 address of the machine when absent.</summary>
    public IPAddress? AdvertisedIp { get; set; }

    /// <summary>A file of API keys, one a line as <c>&lt;role&gt; &lt;key&gt;</c> (<c>--api-keys-file</c>), for compose
    /// files and secrets managers; kept in memory, never stored.</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary><c>keys</c> (the default: API keys once one exists, always beyond loopback) or <c>none</c> (no
    /// authentication; refused unless every address the silo listens on is loopback) (<c>--auth</c>).</summary>
    public string Auth { get; set; } = "keys";

    /// <summary><c>/metrics</c> and the OpenAPI document without a key (<c>--public-metrics true</c>).</summary>
    public bool PublicMetrics { get; set; }

    /// <summary>Browser origins besides the silo's own that may open WebSockets and call the API across origins,
    /// comma-separated (<c>--allowed-origins</c>).</summary>
    public string? AllowedOrigins { get; set; }

    /// <summary>Absolute paths of the programs <c>shell</c> nodes may run when the silo listens beyond loopback,
    /// comma-separated (<c>--shell-allow</c>); none by default, so shell nodes are refused there.</summary>
    public string? ShellAllow { get; set; }

    /// <summary>Hosts and CIDR ranges outbound calls may reach although they are internal, when the silo listens beyond
    /// loopback, comma-separated (<c>--http-allow</c>).</summary>
    public string? HttpAllow { get; set; }

    /// <summary>The agent service (seed 004's conductor) that <c>agent</c> nodes, and seed schedules of
    /// <c>taskType: conductor</c>, call when they name no <c>url</c> (<c>--agent-url</c>), e.g. <c>http://127.0.0.1:3001</c>.</summary>
    public string? AgentUrl { get; set; }

    /// <summary>Folder of secret files, one per secret named after it, for <c>${secret.NAME}</c> in node settings
    /// (<c>--secrets-dir</c>); secrets may also come from <c>ORCHESTRATOR_SECRET_&lt;NAME&gt;</c>.</summary>
    public string? SecretsDir { get; set; }

    /// <summary>Storage faults injected on purpose, for drills and fault tests (<c>--inject-storage-faults</c>, see
    /// <see cref="StorageFaultOptions.Syntax"/>); none unless given.</summary>
    public string? InjectStorageFaults { get; set; }

    /// <summary><see cref="InjectStorageFaults"/> parsed, or null when none are asked for (checked by <see cref="Validate"/>).</summary>
    public StorageFaultOptions? StorageFaults => string.IsNullOrWhiteSpace(InjectStorageFaults) ? null : StorageFaultOptions.Parse(InjectStorageFaults);

    /// <summary>Requests per second each API key may make, with a burst of as many (<c>--rate-limit</c>).</summary>
    public int RateLimit { get; set; } = 5_000;

    /// <summary><see cref="ShellAllow"/> split.</summary>
    public IReadOnlyList<string> ShellAllowList => Split(ShellAllow);

    /// <summary><see cref="HttpAllow"/> split.</summary>
    public IReadOnlyList<string> HttpAllowList => Split(HttpAllow);

    private static string[] Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary><see cref="AllowedOrigins"/> split.</summary>
    public IReadOnlyList<string> AllowedOriginList => Split(AllowedOrigins);

    /// <summary>The certificate that turns on TLS on the silo and gateway ports (<c>--cluster-certificate</c>): a
    /// <c>.pfx</c>/<c>.p12</c> file, or a PEM file with the certificate and its key. Every silo and grain client of the
    /// cluster uses the same one, and each end accepts only a peer that presents it. Without it those ports carry grain
    /// calls in the clear and belong on a private network.</summary>
    public string? ClusterCertificate { get; set; }

    /// <summary>The password of <see cref="ClusterCertificate"/>'s PKCS#12 file (best given as the environment variable
    /// <c>ORCHESTRATOR_CLUSTERCERTIFICATEPASSWORD</c>, which other users cannot read from the process list).</summary>
    public string? ClusterCertificatePassword { get; set; }

    /// <summary>Where traces, metrics and logs are exported with OTLP (<c>--otlp-endpoint</c>), over the protocol
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> names (gRPC unless it says <c>http/protobuf</c>); when absent, OpenTelemetry's
    /// own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is used, and with neither nothing is exported.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The console log's format (<c>--log-format</c>): <c>simple</c>, one line per message, or <c>json</c>, one
    /// JSON object per line with its scopes (run id, node, attempt, trace id).</summary>
    public string LogFormat { get; set; } = SimpleLogFormat;

    /// <summary>Loops trace one iteration in this many (<c>--trace-loop-every</c>), so a fast loop does not flood the
    /// collector; 0 traces none.</summary>
    public int TraceLoopEvery { get; set; } = 100;

    /// <summary>The workflow engine's settings from the <c>Engine</c> configuration section (see
    /// <see cref="EngineConfiguration"/>); read-only here, so that the option-by-option binding leaves it alone.</summary>
    public EngineOptions Engine { get; } = new();

    /// <summary>Whether grain calls are traced too (<c>--trace-grain-calls true</c>): Orleans' activity propagation and
    /// its spans of application grain calls, a client and a server span per call. Off by default: the orchestrator's
    /// own spans carry the trace across grains and silos (a run keeps its trace context), and a run makes several
    /// grain calls per node.</summary>
    public bool TraceGrainCalls { get; set; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDir), DatabaseFileName);

    /// <summary>Every problem with these settings, each naming the setting and what is allowed; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!AvailableStorage.Contains(Storage, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"Unknown storage '{Storage}' (--storage, ORCHESTRATOR_STORAGE); allowed values: {string.Join(", ", AvailableStorage)}.");
        }

        if (Uses(PostgresStorageName))
        {
            AddPostgresProblems(problems);
        }

        if (string.IsNullOrWhiteSpace(DataDir) && Uses(SqliteStorageName))
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

        foreach (var origin in AllowedOriginList)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                problems.Add($"The allowed origin '{origin}' (--allowed-origins, ORCHESTRATOR_ALLOWEDORIGINS) must be scheme://host[:port], e.g. https://ops.example.com.");
            }
        }

        foreach (var program in ShellAllowList.Where(p => !Path.IsPathFullyQualified(p)))
        {
            problems.Add($"The program '{program}' (--shell-allow, ORCHESTRATOR_SHELLALLOW) must be an absolute path, e.g. /usr/bin/git.");
        }

        if (AgentUrl is { } agent && !(Uri.TryCreate(agent, UriKind.Absolute, out var agentUri) && agentUri.Scheme is "http" or "https"))
        {
            problems.Add($"The agent URL (--agent-url, ORCHESTRATOR_AGENTURL) must be an http:// or https:// address, e.g. http://127.0.0.1:3001, not '{agent}'.");
        }

        if (RateLimit < 1)
        {
            problems.Add($"The rate limit (--rate-limit, ORCHESTRATOR_RATELIMIT) must be at least 1 request a second, not {RateLimit}.");
        }

        if (!string.IsNullOrWhiteSpace(InjectStorageFaults))
        {
            try
            {
                StorageFaultOptions.Parse(InjectStorageFaults);
            }
            catch (FormatException e)
            {
                problems.Add($"The storage faults (--inject-storage-faults, ORCHESTRATOR_INJECTSTORAGEFAULTS) are not understood: {e.Message}.");
            }
        }

        if (Auth is not ("keys" or "none"))
        {
            problems.Add($"Unknown authentication '{Auth}' (--auth, ORCHESTRATOR_AUTH); allowed values: keys, none.");
        }

        if (OtlpEndpoint is { } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
        {
            problems.Add($"The OTLP endpoint (--otlp-endpoint, ORCHESTRATOR_OTLPENDPOINT) must be an http:// or https:// address, not '{endpoint}'.");
        }

        if (!AvailableLogFormats.Contains(LogFormat, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"Unknown log format '{LogFormat}' (--log-format, ORCHESTRATOR_LOGFORMAT); allowed values: {string.Join(", ", AvailableLogFormats)}.");
        }

        if (TraceLoopEvery < 0)
        {
            problems.Add($"The loop trace sampling (--trace-loop-every, ORCHESTRATOR_TRACELOOPEVERY) must not be negative, not {TraceLoopEvery}.");
        }

        if (ClusterCertificate is { Length: > 0 } certificate)
        {
            try
            {
                ClusterTls.Load(certificate, ClusterCertificatePassword).Dispose();
            }
            catch (ClusterCertificateException e)
            {
                problems.Add($"The cluster certificate (--cluster-certificate, ORCHESTRATOR_CLUSTERCERTIFICATE) cannot be used: {e.Message}.");
            }
        }

        if (StartupTimeout < TimeSpan.Zero)
        {
            problems.Add($"The startup timeout (--startup-timeout, ORCHESTRATOR_STARTUPTIMEOUT) must not be negative, not {StartupTimeout}.");
        }

        return problems;
    }

    /// <summary>The PostgreSQL backend's settings (the connection string is checked by <see cref="Validate"/>).</summary>
    public PostgresStorageOptions PostgresStorage => new(Postgres ?? "") { StartupTimeout = StartupTimeout };

    /// <summary>Whether the chosen storage is <paramref name="storage"/>.</summary>
    public bool Uses(string storage) => string.Equals(Storage, storage, StringComparison.OrdinalIgnoreCase);

    private void AddPostgresProblems(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Postgres))
        {
            problems.Add("PostgreSQL storage needs a connection string: --postgres \"Host=…;Database=…;Username=…;Password=…\" " +
                "(or ORCHESTRATOR_POSTGRES).");
        }
        else if (PostgresStorage.FindConnectionStringProblem() is { } problem)
        {
            // The problem names the setting at fault, never a value: the string holds the password.
            problems.Add($"The --postgres (ORCHESTRATOR_POSTGRES) setting is not a usable connection string. {problem}");
        }

        if (AdvertisedIp is { } address && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.None)))
        {
            problems.Add($"The advertised address (--advertised-ip, ORCHESTRATOR_ADVERTISEDIP) must be one other silos can reach, not {address}.");
        }
    }
}
