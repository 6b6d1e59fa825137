using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Cluster.Metrics;

namespace Orchestrator.Api.Cluster;

/// <summary>Registers what <see cref="ClusterApi"/> needs.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Adds the metrics pipeline behind <c>GET /metrics</c>.</summary>
    public static IServiceCollection AddClusterApi(this IServiceCollection services) => services.AddMetricsPipeline();
}
