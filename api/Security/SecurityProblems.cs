using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Api.Security;

/// <summary>401 and 403 as problem bodies that say what was missing: a key (or a valid one), or a higher role.</summary>
internal sealed class SecurityProblems(FailedAuthentications failures) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded && DashboardSession.RefusesForgery(context))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: $"A request signed in by the session cookie must carry the session's anti-forgery token in {DashboardSession.AntiForgeryHeader} (from GET /api/session).",
                extensions: new Dictionary<string, object?> { [Problems.ApiProblems.FieldMember] = DashboardSession.AntiForgeryHeader }).ExecuteAsync(context);
            return;
        }

        if (authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var needed = policy.Requirements
            .Select(r => r switch { RoleRequirement role => role.Role, _ => UndeclaredRequirement.RoleFor(context) })
            .DefaultIfEmpty(ApiRole.Admin)
            .Max();
        var role = ApiKeyAuthenticationHandler.RoleOf(context.User);
        if (role is null)
        {
            var presented = ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null;
            if (presented && !failures.TryCount(context, out var retryAfter))
            {
                await SecurityLimits.TooManyAsync(context, retryAfter, "Too many failed authentications from this address; wait before trying again.");
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: presented
                    ? "The API key is unknown or was revoked."
                    : $"This route needs an API key with the {ApiRoles.Name(needed)} role (or higher): send 'Authorization: Bearer <key>'.",
                extensions: new Dictionary<string, object?> { ["requiredRole"] = ApiRoles.Name(needed) }).ExecuteAsync(context);
            return;
        }

        await Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"This route needs the {ApiRoles.Name(needed)} role; the key '{context.User.Identity?.Name}' has the {ApiRoles.Name(role.Value)} role.",
            extensions: new Dictionary<string, object?> { ["requiredRole"] = ApiRoles.Name(needed), ["role"] = ApiRoles.Name(role.Value) }).ExecuteAsync(context);
    }
}
