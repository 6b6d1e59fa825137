using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api.Security;

/// <summary>Authenticates a request by its API key: <c>Authorization: Bearer &lt;key&gt;</c>, <c>X-Api-Key</c>, or, for a
/// WebSocket (browsers cannot set headers on one), an <c>access_token</c> query value.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing ring)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string KeyIdClaim = "orchestrator:key";

    /// <summary>Set on a request authenticated by the dashboard's session cookie rather than a key it sent itself.</summary>
    public const string ByCookieClaim = "orchestrator:cookie";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (ring.Authenticate(presented) is not { } identity)
        {
            return Task.FromResult(AuthenticateResult.Fail("the API key is unknown or was revoked"));
        }

        List<Claim> claims =
        [
            new Claim(KeyIdClaim, identity.Id),
            new Claim(ClaimTypes.Name, identity.Name),
            new Claim(ClaimTypes.Role, ApiRoles.Name(identity.Role)),
        ];
        if (SentKey(Request) is null)
        {
            claims.Add(new Claim(ByCookieClaim, "true"));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The key a request presents, if any: one it sends itself, else the dashboard's session cookie.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SentKey(request) ?? (request.Cookies[DashboardSession.CookieName] is { Length: > 0 } cookie ? cookie : null);
    }

    /// <summary>Whether the request was authenticated by the session cookie.</summary>
    public static bool ByCookie(ClaimsPrincipal user) => user.HasClaim(c => c.Type == ByCookieClaim);

    /// <summary>The key a request sends itself: a header, or a WebSocket's <c>access_token</c>.</summary>
    private static string? SentKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (request.Headers["X-Api-Key"] is { Count: > 0 } header)
        {
            return header.ToString().Trim();
        }

        return WebSocketRequests.IsWebSocketRequest(request.HttpContext) && request.Query["access_token"] is { Count: > 0 } token
            ? token.ToString().Trim()
            : null;
    }

    /// <summary>The role of an authenticated request.</summary>
    public static ApiRole? RoleOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && ApiRoles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
}
