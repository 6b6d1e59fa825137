using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Client;

/// <summary>How the grain client finds the cluster.</summary>
public sealed class OrchestratorClientOptions
{
    /// <summary>The cluster's id (the silos' <c>--cluster-id</c>).</summary>
    public string ClusterId { get; set; } = "orchestrator";

    /// <summary>The service's id (the silos' <c>--service-id</c>).</summary>
    public string ServiceId { get; set; } = "orchestrator";

    /// <summary>Gateways as <c>host:port</c> (the silos' <c>--gateway-port</c>); the client spreads its calls over them
    /// and moves to another when one goes away.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The cluster's PostgreSQL database (the silos' <c>--postgres</c>), instead of <see cref="Gateways"/>: the
    /// client finds the active silos' gateways in its membership table, and follows silos that join or leave. Give
    /// exactly one of the two.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The cluster certificate (the silos' <c>--cluster-certificate</c>, with its private key): when set, the
    /// client speaks TLS to the gateways, presents it and accepts only gateways that present the same one. Load it with
    /// <see cref="Providers.Cluster.ClusterTls.Load"/>.</summary>
    public X509Certificate2? ClusterCertificate { get; set; }

    /// <summary>How long to keep trying to reach a gateway when connecting.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
