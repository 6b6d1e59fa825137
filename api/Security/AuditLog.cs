using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Problems;
using Orchestrator.Audit;
using Orchestrator.Providers.Storage;
using Orchestrator.Queries;
using Orleans;

namespace Orchestrator.Api.Security;

/// <summary>The audit log: every mutating request (<c>POST</c>, <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>) — who (key id,
/// name, role), what (route and target), when, from where, and the status — is stored in the silo's storage before its
/// answer leaves the silo, and listed for admins at <c>GET /api/audit</c>, newest first.</summary>
public static partial class AuditLog
{
    internal static IApplicationBuilder UseAuditLog(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) && !HttpMethods.IsPut(context.Request.Method)
            && !HttpMethods.IsPatch(context.Request.Method) && !HttpMethods.IsDelete(context.Request.Method))
        {
            await next(context);
            return;
        }

        // The answer waits in a buffer until its audit row is stored, so no answered request goes unrecorded.
        var answer = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = answer;
        }

        // A request without a valid key (401) is attributed to nobody: failed authentication is limited per address
        // instead. Refused roles (403) and limits (429) are recorded with their key.
        // Endpoints may leave out requests that change nothing anyone asked for (see AuditExemption).
        var exempt = context.GetEndpoint()?.Metadata.GetMetadata<AuditExemption>() is { } exemption && exemption.Covers(context.Response.StatusCode);
        if (context.Response.StatusCode != StatusCodes.Status401Unauthorized && !exempt)
        {
            await RecordAsync(context);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(answer, context.RequestAborted);
    });

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{ApiEndpoints.Prefix}/audit", ListAsync).WithTags("keys").WithName("ListAudit")
            .WithSummary("The audit log: mutating requests (who, what, when, from where, outcome), newest first, paged.")
            .WithProblems(StatusCodes.Status400BadRequest)
            .Admin();
        return app;
    }

    private static async Task<Results<Ok<Page<AuditEntry>>, ProblemHttpResult>> ListAsync(string? limit, string? cursor, IGrainFactory grains)
    {
        if (QueryParameters.TryPageSize(limit, out var size) is { } badLimit)
        {
            return badLimit;
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<IQueryGrain>(IQueryGrain.Key).ListAuditAsync(size, cursor));
        }
        catch (ArgumentException)
        {
            return ApiProblems.BadRequest(nameof(cursor), $"cursor '{cursor}' is not a cursor returned by a listing");
        }
    }

    private static async Task RecordAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var user = context.User;
        // Listings order by the millisecond (as the views store times), so the time shown is that millisecond too.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var entry = new AuditEntry(
            Guid.CreateVersion7().ToString("N"),
            new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value,
            user.Identity?.IsAuthenticated == true ? user.Identity.Name : null,
            ApiKeyAuthenticationHandler.RoleOf(user) is { } role ? ApiRoles.Name(role) : null,
            context.Request.Method,
            (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } route ? "/" + route.Trim('/') : "(no route)",
            context.Request.Path.Value ?? "",
            context.Connection.RemoteIpAddress?.ToString(),
            context.Response.StatusCode);
        var store = services.GetRequiredService<IStorageBackend>().Audit;
        var record = new AuditRecord(entry.Id, entry.At, JsonSerializer.Serialize(entry, JsonSerializerOptions.Web));
        for (var tries = 1; ; tries++)
        {
            try
            {
                // Stored under a new id and time: trying again after a storage failure cannot store it twice.
                await store.AppendAsync(record, CancellationToken.None);
                return;
            }
            catch (Exception e) when (tries < AuditTries && StorageFailures.IsUnavailable(e))
            {
                // Stored or not, the next try settles it.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNotRecorded(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditLog)), entry.Method, entry.Target, entry.Status, e);
                return;
            }
        }
    }

    private const int AuditTries = 3;

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit row of {Method} {Target} ({Status}) could not be stored")]
    private static partial void LogNotRecorded(ILogger logger, string method, string target, int status, Exception exception);
}
