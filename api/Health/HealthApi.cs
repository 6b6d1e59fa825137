using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Health;

/// <summary><c>GET /api/health</c>: <c>200</c> when storage answers and the silo runs, else <c>503</c> with the reason.</summary>
public static class HealthApi
{
    /// <summary>The health route; it answers while the silo starts and stops too.</summary>
    public const string Route = ApiEndpoints.Prefix + "/health";

    /// <summary>Maps the health route.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup(Route).WithTags("health");
        health.MapGet("", GetHealthAsync).WithName("GetHealth")
            .WithSummary("The silo's health: 200 when storage answers and the silo runs, 503 with the reason otherwise.")
            .Anonymous();
        return app;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(
        SiloHealthCheck check,
        CancellationToken cancellationToken)
    {
        var report = await check.CheckAsync(cancellationToken);
        return report.IsHealthy
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
