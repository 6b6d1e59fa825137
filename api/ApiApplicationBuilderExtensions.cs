using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Availability;
using Orchestrator.Api.Dashboard;
using Orchestrator.Api.Problems;
using Orchestrator.Api.Security;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api;

/// <summary>The HTTP pipeline in front of the API's endpoints.</summary>
public static class ApiApplicationBuilderExtensions
{
    /// <summary>Turns unhandled exceptions and empty error responses under <c>/api</c> into problem details, and answers
    /// <c>503</c> to API calls while the silo is not running (starting or stopping).</summary>
    public static IApplicationBuilder UseOrchestratorApi(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseWhen(IsApiRequest, api => api.UseStatusCodePages());
        app.UseDashboardAssets();
        app.UseOriginChecks();
        app.UseAuthentication();
        app.UseAuditLog();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<SiloAvailabilityMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseEventStreams();
        return app;
    }

    internal static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments(ApiEndpoints.Prefix);
}
