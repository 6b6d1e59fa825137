using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;

namespace Orchestrator.Api.Security;

/// <summary>How a browser logs in: <c>POST /api/session {key}</c> checks the key and puts it in an HTTP-only,
/// SameSite=Strict cookie, which then authenticates the dashboard's requests and sockets. A request authenticated by that
/// cookie that changes something must also carry the session's anti-forgery token in <c>X-CSRF-Token</c>: the token is
/// derived from the key, so every silo checks it without shared state, and only a page of the silo's own origin can read
/// it (from the login answer or <c>GET /api/session</c>). Requests that send the key themselves need no token.</summary>
public static class DashboardSession
{
    public const string CookieName = "orchestrator_key";

    public const string AntiForgeryHeader = "X-CSRF-Token";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiEndpoints.Prefix}/session").WithTags("session");
        group.MapGet("", Describe).WithName("GetSession")
            .WithSummary("Whether keys are needed, and who the browser's session is (with its anti-forgery token).")
            .Anonymous();
        group.MapPost("", LogInAsync).WithName("LogIn")
            .WithSummary("Logs a browser in with an API key {key}: the key goes into an HTTP-only, SameSite=Strict cookie.")
            .DescribesBody<LogInRequest>(required: true, JsonBody.Expected)
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status401Unauthorized, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests])
            .Anonymous();
        group.MapDelete("", LogOut).WithName("LogOut").WithSummary("Logs the browser out: its session cookie is removed.")
            .Anonymous();
        return app;
    }

    /// <summary>The anti-forgery token of a session holding <paramref name="key"/>.</summary>
    public static string AntiForgeryToken(string key) =>
        Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "orchestrator anti-forgery"u8));

    /// <summary>True when the request is authenticated by the session cookie, would change something, and does not carry
    /// the session's anti-forgery token.</summary>
    public static bool RefusesForgery(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ApiKeyAuthenticationHandler.ByCookie(context.User)
            || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            || context.Request.Cookies[CookieName] is not { Length: > 0 } key)
        {
            return false;
        }

        var sent = Encoding.UTF8.GetBytes(context.Request.Headers[AntiForgeryHeader].ToString());
        return !CryptographicOperations.FixedTimeEquals(sent, Encoding.UTF8.GetBytes(AntiForgeryToken(key)));
    }

    private static Ok<SessionInfo> Describe(HttpContext context, ApiKeyRing ring)
    {
        var role = ApiKeyAuthenticationHandler.RoleOf(context.User);
        var key = ApiKeyAuthenticationHandler.ByCookie(context.User) ? context.Request.Cookies[CookieName] : null;
        return TypedResults.Ok(new SessionInfo(
            ring.Required, role is not null, context.User.Identity?.Name, role is { } r ? ApiRoles.Name(r) : null, key is null ? null : AntiForgeryToken(key)));
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> LogInAsync(
        HttpContext context, ApiKeyRing ring, FailedAuthentications failures, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<LogInRequest>(context.Request, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Key))
        {
            return ApiProblems.Unprocessable("key", "key is required: the API key to log in with (ork_…)");
        }

        var key = body.Key.Trim();
        if (ring.Authenticate(key) is not { } identity)
        {
            if (!failures.TryCount(context, out var retryAfter))
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: "Too many failed authentications from this address; wait before trying again.");
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The API key is unknown or was revoked.", extensions: new Dictionary<string, object?> { [ApiProblems.FieldMember] = "key" });
        }

        context.Response.Cookies.Append(CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        return TypedResults.Ok(new SessionInfo(ring.Required, true, identity.Name, ApiRoles.Name(identity.Role), AntiForgeryToken(key)));
    }

    private static NoContent LogOut(HttpContext context)
    {
        context.Response.Cookies.Delete(CookieName, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/" });
        return TypedResults.NoContent();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Body of <c>POST /api/session</c>.</summary>
/// <param name="Key">The API key to log in with.</param>
public sealed record LogInRequest(string? Key);

/// <summary>The browser's session.</summary>
/// <param name="AuthRequired">Whether the silo needs a key (false on a loopback silo with no key yet).</param>
/// <param name="Authenticated">Whether the request carried a valid key (its cookie, or a header).</param>
/// <param name="Name">The key's name.</param>
/// <param name="Role">The key's role.</param>
/// <param name="AntiForgeryToken">For a cookie session: what to send as <c>X-CSRF-Token</c> on requests that change something.</param>
public sealed record SessionInfo(bool AuthRequired, bool Authenticated, string? Name, string? Role, string? AntiForgeryToken);
