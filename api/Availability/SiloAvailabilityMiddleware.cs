using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Health;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Api.Availability;

/// <summary>Stops taking calls: while the silo starts or stops, every API request except the health check gets a
/// <c>503</c> problem instead of reaching a grain.</summary>
internal sealed class SiloAvailabilityMiddleware(RequestDelegate next, SiloAvailability availability)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (availability.IsTakingCalls ||
            !ApiApplicationBuilderExtensions.IsApiRequest(context) ||
            context.Request.Path.StartsWithSegments(HealthApi.Route))
        {
            return next(context);
        }

        var detail = availability.Status == SiloPhase.Starting
            ? "The silo is starting and takes no calls yet."
            : "The silo is stopping and takes no new calls.";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable")
            .ExecuteAsync(context);
    }
}
