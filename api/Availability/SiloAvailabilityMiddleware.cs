using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Health;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Api.Availability;

/// <summary>Stops taking calls: while the silo starts or stops, every API request except the health check gets a
/// <c>503</c> problem (with <c>Retry-After</c>) instead of reaching a grain.</summary>
internal sealed class SiloAvailabilityMiddleware(RequestDelegate next, SiloAvailability availability)
{
    /// <summary>What <c>Retry-After</c> says: try again in this many seconds.</summary>
    public const string RetryAfterSeconds = "5";

    public Task InvokeAsync(HttpContext context)
    {
        if (availability.IsTakingCalls ||
            !ApiApplicationBuilderExtensions.IsApiRequest(context) ||
            context.Request.Path.StartsWithSegments(HealthApi.Route))
        {
            return next(context);
        }

        // Another silo of the cluster may answer at once; this one, when it is back.
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        var detail = availability.Status == SiloPhase.Starting
            ? "The silo is starting and takes no calls yet."
            : "The silo is stopping and takes no new calls.";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable")
            .ExecuteAsync(context);
    }
}
