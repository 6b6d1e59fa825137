using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Providers.Cluster;
using Orchestrator.Providers.Postgres;
using Orchestrator.Runs;
using Orchestrator.Schedules;
using Orchestrator.Serialization;
using Orchestrator.Workflows;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;

namespace Orchestrator.Client;

/// <summary>
/// The orchestrator for other .NET services, as an Orleans cluster client: typed run handles, workflows, schedules and
/// error records, each operation one grain call wherever the grain is active. Connect with
/// <see cref="ConnectAsync(OrchestratorClientOptions, CancellationToken)"/> (the client owns its connection), or add it
/// to a host that already runs an Orleans client with <see cref="OrchestratorClientHosting.AddOrchestratorClient"/>.
/// </summary>
public sealed class OrchestratorClient : IAsyncDisposable
{
    private readonly IHost? _host;

    /// <summary>A client over a grain factory the caller owns (a cluster client, or a silo's own).</summary>
    public OrchestratorClient(IGrainFactory grains, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        Grains = grains;
        Clock = clock ?? TimeProvider.System;
    }

    private OrchestratorClient(IHost host)
        : this(host.Services.GetRequiredService<IClusterClient>())
    {
        _host = host;
    }

    /// <summary>The grain factory under the client, for calls it does not wrap.</summary>
    public IGrainFactory Grains { get; }

    private TimeProvider Clock { get; }

    /// <summary>What runs this client starts say started them.</summary>
    public string Trigger { get; init; } = "client";

    /// <summary>Connects to the cluster through its gateways (or the PostgreSQL membership table) and returns a client that
    /// owns the connection.</summary>
    /// <exception cref="ArgumentException">Neither or both of gateways and a connection string are given, or a gateway is
    /// not <c>host:port</c>.</exception>
    public static async Task<OrchestratorClient> ConnectAsync(OrchestratorClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gateways = OrchestratorClientHosting.ResolveGateways(options);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => OrchestratorClientHosting.Configure(client, options, gateways));
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or SiloUnavailableException)
        {
            host.Dispose();
            throw new OrchestratorUnavailableException(
                $"No gateway of cluster '{options.ClusterId}' answered within {options.ConnectTimeout.TotalSeconds:0.#} s " +
                $"({(gateways.Count > 0 ? string.Join(", ", options.Gateways) : "gateways from the PostgreSQL membership table")}).", e);
        }

        return new OrchestratorClient(host);
    }

    /// <summary>Starts a run of <paramref name="workflow"/> (its latest version unless <paramref name="version"/> is
    /// given). With an <paramref name="idempotencyKey"/>, starting again with the same key returns the same run.</summary>
    public async Task<IRunHandle> StartRunAsync(
        string workflow, JsonNode? input = null, string? idempotencyKey = null, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflow);
        var runId = idempotencyKey is null ? RunIds.New(Clock) : RunIds.ForIdempotencyKey(workflow, idempotencyKey);
        var started = await Grains.GetGrain<IRunGrain>(runId)
            .StartAsync(new StartRun { Workflow = workflow, Version = version, Input = input?.DeepClone(), IdempotencyKey = idempotencyKey, TriggeredBy = Trigger })
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return new GrainRunHandle(Grains, started.RunId);
    }

    /// <summary>A handle on an existing run (its calls fail when the run does not exist).</summary>
    public IRunHandle Run(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return new GrainRunHandle(Grains, runId);
    }

    /// <summary>Stores a new version of a workflow (or returns the current one when nothing changed).</summary>
    public Task<WorkflowVersion> PutWorkflowAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Grains.GetGrain<IWorkflowGrain>(definition.Name).PutAsync(definition).WaitAsync(cancellationToken);
    }

    /// <summary>A workflow's definition and version (the latest unless <paramref name="version"/> is given).</summary>
    public async Task<(WorkflowDefinition Definition, WorkflowVersion Version)> GetWorkflowAsync(
        string name, int? version = null, CancellationToken cancellationToken = default) =>
        await Grains.GetGrain<IWorkflowGrain>(name).GetDefinitionAsync(version).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a schedule.</summary>
    public Task<ScheduleSnapshot> CreateScheduleAsync(string id, ScheduleDefinition definition, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IScheduleGrain>(id).CreateAsync(definition).WaitAsync(cancellationToken);

    /// <summary>A schedule, or null when none has that id.</summary>
    public Task<ScheduleSnapshot?> GetScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IScheduleGrain>(id).GetAsync().WaitAsync(cancellationToken);

    /// <summary>Starts a run of the schedule now, whatever its overlap policy.</summary>
    public Task<ScheduleExecution> TriggerScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IScheduleGrain>(id).TriggerAsync().WaitAsync(cancellationToken);

    /// <summary>An error record, or null when none has that id.</summary>
    public Task<ErrorRecordSnapshot?> GetErrorAsync(string id, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IErrorRecordGrain>(id).GetAsync().WaitAsync(cancellationToken);

    /// <summary>Retries the work an error record stands for.</summary>
    public Task<ErrorRecordSnapshot> RetryErrorAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IErrorRecordGrain>(id).RetryAsync(by, reason).WaitAsync(cancellationToken);

    /// <summary>Marks an error record resolved.</summary>
    public Task<ErrorRecordSnapshot> ResolveErrorAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IErrorRecordGrain>(id).ResolveAsync(by, reason).WaitAsync(cancellationToken);

    /// <summary>Marks an error record ignored.</summary>
    public Task<ErrorRecordSnapshot> IgnoreErrorAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IErrorRecordGrain>(id).IgnoreAsync(by, reason).WaitAsync(cancellationToken);

    /// <summary>Escalates an error record.</summary>
    public Task<ErrorRecordSnapshot> EscalateErrorAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IErrorRecordGrain>(id).EscalateAsync(by, reason).WaitAsync(cancellationToken);

    /// <summary>Closes the connection when this client owns it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync().ConfigureAwait(false);
            _host.Dispose();
        }
    }
}

/// <summary>Puts the grain client into a host.</summary>
public static class OrchestratorClientHosting
{
    /// <summary>Configures an Orleans client for the orchestrator (gateways, ids, the contracts' serializer) and registers
    /// <see cref="OrchestratorClient"/>.</summary>
    public static IHostApplicationBuilder AddOrchestratorClient(this IHostApplicationBuilder builder, Action<OrchestratorClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new OrchestratorClientOptions();
        configure(options);
        var gateways = ResolveGateways(options);
        builder.UseOrleansClient(client => Configure(client, options, gateways));
        builder.Services.AddSingleton(sp => new OrchestratorClient(sp.GetRequiredService<IClusterClient>()));
        return builder;
    }

    internal static void Configure(IClientBuilder client, OrchestratorClientOptions options, IReadOnlyList<IPEndPoint> gateways)
    {
        if (options.PostgresConnectionString is { } connectionString)
        {
            client.UsePostgresClustering(connectionString);
        }
        else
        {
            client.UseStaticClustering([.. gateways]);
        }

        client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        client.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
        if (options.ClusterCertificate is { } certificate)
        {
            client.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
        }
    }

    /// <summary>The parsed gateways, or none when the client finds them in the PostgreSQL membership table.</summary>
    internal static IReadOnlyList<IPEndPoint> ResolveGateways(OrchestratorClientOptions options)
    {
        if (options.PostgresConnectionString is null)
        {
            return ParseGateways(options.Gateways);
        }

        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string is empty.", nameof(options));
        }

        return options.Gateways.Count > 0
            ? throw new ArgumentException("Give gateways or a PostgreSQL connection string, not both.", nameof(options))
            : [];
    }

    internal static IReadOnlyList<IPEndPoint> ParseGateways(IEnumerable<string> gateways)
    {
        var parsed = new List<IPEndPoint>();
        foreach (var gateway in gateways)
        {
            var colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            {
                throw new ArgumentException($"Gateway '{gateway}' is not host:port.", nameof(gateways));
            }

            var host = gateway[..colon].Trim('[', ']');
            var address = IPAddress.TryParse(host, out var ip)
                ? ip
                : Dns.GetHostAddresses(host).FirstOrDefault()
                    ?? throw new ArgumentException($"Gateway host '{host}' has no address.", nameof(gateways));
            parsed.Add(new IPEndPoint(address, port));
        }

        if (parsed.Count == 0)
        {
            throw new ArgumentException("Give at least one gateway (host:port).", nameof(gateways));
        }

        return parsed;
    }
}
