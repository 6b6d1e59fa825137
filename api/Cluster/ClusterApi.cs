using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.Cluster;

/// <summary><c>/api/silos</c>, <c>/api/grains</c> and <c>/metrics</c>.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app) => app;
}
