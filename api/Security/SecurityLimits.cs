using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Security;

/// <summary>Per-key request limits (a token bucket of <see cref="SecurityOptions.RateLimit"/> a second, as deep as a
/// second's worth), answered with <c>429</c> and <c>Retry-After</c>; and failed authentication limited per client
/// address (<see cref="SecurityOptions.FailedAuthenticationsPerMinute"/>), so keys cannot be guessed quickly.</summary>
public static class SecurityLimits
{
    internal static IServiceCollection AddSecurityLimits(this IServiceCollection services)
    {
        services.AddSingleton<FailedAuthentications>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var key = context.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value;
                if (key is null)
                {
                    // Requests without a key come only while authentication is off (a loopback silo with no key).
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                var rate = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.RateLimit;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = rate,
                    TokensPerPeriod = rate,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = (rejected, cancellationToken) => TooManyAsync(
                rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1),
                "This key has made more requests than its limit allows (--rate-limit, per second).");
        });
        return services;
    }

    /// <summary>Writes a <c>429</c> problem with <c>Retry-After</c> (whole seconds, at least one).</summary>
    internal static ValueTask TooManyAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new ValueTask(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail).ExecuteAsync(context));
    }
}

/// <summary>Counts failed authentications per client address in fixed one-minute windows.</summary>
internal sealed class FailedAuthentications(IOptions<SecurityOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthenticationsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Counts one failure from <paramref name="context"/>'s client; false (with when to retry) once its address
    /// has failed too often this minute.</summary>
    public bool TryCount(HttpContext context, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
