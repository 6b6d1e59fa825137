using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Api.Security;

/// <summary>API keys, roles and the policies endpoints declare; an endpoint that declares nothing needs <c>admin</c>.</summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddOrchestratorSecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>();
        services.AddSingleton<ApiKeyRing>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyRing>());
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, SecurityProblems>();
        services.AddSecurityLimits();
        services.AddOriginChecks();
        services.AddAuthorization(options =>
        {
            foreach (var role in Enum.GetValues<ApiRole>())
            {
                options.AddPolicy(RequiredRole.Policy(role), policy => policy.AddRequirements(new RoleRequirement(role)));
            }

            // Deny by default: an endpoint that declares no role needs admin; a path no endpoint serves needs any key.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new UndeclaredRequirement()).Build();
        });
        return services;
    }
}
