using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orchestrator.Api.Problems;

/// <summary>Answers <c>413</c> with a problem body, before anything is read or written, to a request that declares a body
/// larger than <see cref="RequestLimits.MaxRequestBodyBytes"/>, and caps bodies without a declared length at the same
/// size (the server then fails the read, which <see cref="ExceptionStatusCodes"/> turns into <c>413</c>).</summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    /// <summary>A refused body up to this size is still drained by the server after the answer, so that the connection
    /// stays usable and a client still sending reads the <c>413</c> instead of a reset; a larger one closes the
    /// connection.</summary>
    private const long MaxDrainedBytes = 4 * RequestLimits.MaxRequestBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (context.Request.ContentLength is { } length && length > RequestLimits.MaxRequestBodyBytes)
        {
            if (length <= MaxDrainedBytes && limit is { IsReadOnly: false })
            {
                limit.MaxRequestBodySize = null;
            }

            return ApiProblems.PayloadTooLarge(RequestLimits.MaxRequestBodyBytes).ExecuteAsync(context);
        }

        if (limit is { IsReadOnly: false } &&
            (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > RequestLimits.MaxRequestBodyBytes))
        {
            limit.MaxRequestBodySize = RequestLimits.MaxRequestBodyBytes;
        }

        return next(context);
    }
}
