using Orleans.Configuration;
using Orleans.Hosting;

namespace Orchestrator.Providers.Postgres;

/// <summary>Cluster membership in the PostgreSQL database that holds the storage, through Orleans' own ADO.NET
/// membership provider (<c>Microsoft.Orleans.Clustering.AdoNet</c>). Its tables and query texts come with schema version
/// 2 (<see cref="PostgresMembershipSchema"/>), which the storage backend migrates to when it opens, in an earlier silo
/// stage than membership starts; a grain client needs a database some silo has opened.</summary>
public static class PostgresClustering
{
    /// <summary>The ADO.NET invariant name under which Orleans finds Npgsql's provider factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Silos with the same cluster id on this database form one cluster.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return silo.UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>A grain client finds the cluster's gateways (its active silos) in the database.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return client.UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }
}
