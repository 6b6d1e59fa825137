using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Cluster.Metrics;

namespace Orchestrator.Api.Cluster;

/// <summary>Registers what <see cref="ClusterApi"/> needs.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Adds the metrics collector behind <c>GET /metrics</c>, created with the host's other hosted services so
    /// that it listens before the silo makes its first call.</summary>
    public static IServiceCollection AddClusterApi(this IServiceCollection services)
    {
        services.AddSingleton<MetricsCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsCollector>());
        return services;
    }
}
