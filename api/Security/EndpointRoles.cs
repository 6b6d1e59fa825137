using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Orchestrator.Api.Security;

/// <summary>The role an endpoint needs, as metadata: every endpoint the silo maps declares one (or that it is
/// anonymous); one that does not is refused to all but admins, and a test fails on it.</summary>
/// <param name="Role">The least role that may call it; null for an anonymous endpoint.</param>
public sealed record RequiredRole(ApiRole? Role)
{
    /// <summary>The name of the authorization policy for a role.</summary>
    public static string Policy(ApiRole role) => $"role:{ApiRoles.Name(role)}";
}

/// <summary>Declares what an endpoint needs.</summary>
public static class EndpointRoles
{
    /// <summary>Reading: <c>viewer</c> and up.</summary>
    public static TBuilder Viewer<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.Requires(ApiRole.Viewer);

    /// <summary>Acting on runs, loops, schedules, error records: <c>operator</c> and up.</summary>
    public static TBuilder Operator<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.Requires(ApiRole.Operator);

    /// <summary>Changing workflows, schedules and keys: <c>admin</c>.</summary>
    public static TBuilder Admin<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.Requires(ApiRole.Admin);

    /// <summary>No key needed, even with authentication on.</summary>
    public static TBuilder Anonymous<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new RequiredRole(null)).AllowAnonymous();

    public static TBuilder Requires<TBuilder>(this TBuilder endpoint, ApiRole role)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint
            .WithMetadata(
                new RequiredRole(role),
                new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), ["application/problem+json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]))
            .RequireAuthorization(RequiredRole.Policy(role));
}

/// <summary>Met by a request whose key has <see cref="Role"/> or a higher one; by every request while authentication is
/// off.</summary>
public sealed record RoleRequirement(ApiRole Role) : IAuthorizationRequirement;

/// <summary>Deny by default: an endpoint that declares no role needs <c>admin</c>; a request no endpoint serves (a 404)
/// needs a key of any role, so that a key holder still learns the route does not exist.</summary>
public sealed record UndeclaredRequirement : IAuthorizationRequirement
{
    public static ApiRole RoleFor(object? resource) =>
        resource is HttpContext http && http.GetEndpoint() is null ? ApiRole.Viewer : ApiRole.Admin;
}

internal sealed class RoleRequirementHandler(ApiKeyRing ring) : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        // A key that does not match is refused even while authentication is off (no key exists on a loopback silo):
        // a revoked key stops working, whatever else is stored.
        var open = !ring.Required && !PresentsUnknownKey(context);
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var needed = requirement switch
            {
                RoleRequirement declared => declared.Role,
                UndeclaredRequirement => UndeclaredRequirement.RoleFor(context.Resource),
                _ => (ApiRole?)null,
            };
            if (needed is { } least && (open || ApiKeyAuthenticationHandler.RoleOf(context.User) >= least))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }

    private static bool PresentsUnknownKey(AuthorizationHandlerContext context) =>
        context.User.Identity?.IsAuthenticated != true
        && context.Resource is HttpContext http
        && ApiKeyAuthenticationHandler.PresentedKey(http.Request) is not null;
}
