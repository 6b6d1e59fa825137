using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Api.Problems;

/// <summary>Registers the API's request limits and the status of problems for unhandled exceptions.</summary>
public static class RequestLimitsServiceCollectionExtensions
{
    /// <summary>Caps request bodies at <see cref="RequestLimits.MaxRequestBodyBytes"/> in Kestrel, answers exceptions
    /// the server raises for bad requests (a body too large, a read that failed) with their own 4xx status, and names
    /// the field in the problems the framework writes itself (<c>413</c>: <c>body</c>, <c>415</c>: <c>Content-Type</c>).</summary>
    public static IServiceCollection AddApiRequestLimits(this IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxRequestBodyBytes);
        services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = ExceptionStatusCodes.Select);
        services.Configure<ProblemDetailsOptions>(options =>
        {
            var previous = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                var field = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status413PayloadTooLarge => "body",
                    StatusCodes.Status415UnsupportedMediaType => "Content-Type",
                    _ => null,
                };
                if (field is not null)
                {
                    context.ProblemDetails.Extensions.TryAdd(ApiProblems.FieldMember, field);
                }

                if (context.Exception is { } exception && StorageFailures.Reason(exception) is { } reason)
                {
                    context.ProblemDetails.Title = "Storage unavailable";
                    context.ProblemDetails.Detail = $"The silo's storage is unavailable: {reason}. Try again shortly; a request that " +
                        "may have been carried out before the failure (a run start) is safe to repeat with the same idempotency key.";
                    context.HttpContext.Response.Headers.RetryAfter = "1";
                }
            };
        });
        return services;
    }
}
