using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api.Security;

/// <summary>Browser origins: a WebSocket opened from a page (it sends <c>Origin</c>) is accepted only from the silo's own
/// origin or one of <see cref="SecurityOptions.AllowedOrigins"/>, and cross-origin HTTP calls (CORS) only from those.
/// Clients that are not browsers send no <c>Origin</c> and are not affected.</summary>
public static class Origins
{
    public const string CorsPolicy = "allowed-origins";

    internal static IServiceCollection AddOriginChecks(this IServiceCollection services)
    {
        services.AddCors();
        services.AddSingleton<IConfigureOptions<CorsOptions>, ConfigureCors>();
        return services;
    }

    internal static IApplicationBuilder UseOriginChecks(this IApplicationBuilder app)
    {
        app.UseCors(CorsPolicy);
        app.Use(async (context, next) =>
        {
            if (WebSocketRequests.IsWebSocketRequest(context)
                && context.Request.Headers.Origin is { Count: > 0 } origin
                && !IsAllowed(context, origin.ToString()))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Forbidden",
                    detail: $"WebSockets from the origin '{origin}' are refused: only the silo's own origin and --allowed-origins may open them.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsAllowed(HttpContext context, string origin)
    {
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AllowedOrigins
                .Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }

    private sealed class ConfigureCors(IOptions<SecurityOptions> security) : IConfigureOptions<CorsOptions>
    {
        public void Configure(CorsOptions options) => options.AddPolicy(CorsPolicy, policy =>
        {
            var allowed = security.Value.AllowedOrigins;
            if (allowed.Count > 0)
            {
                policy.WithOrigins([.. allowed]).AllowAnyMethod().WithHeaders("Authorization", "X-Api-Key", "Content-Type", "Idempotency-Key");
            }
        });
    }
}
