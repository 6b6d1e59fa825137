using Microsoft.AspNetCore.Http;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Problems;

/// <summary>The status of a problem answered for an exception no endpoint handled: the client's fault where the server
/// says so (a body too large, a read that failed), the status of a typed grain exception (see <see cref="GrainErrors"/>),
/// unavailable while the silo stops or its storage does not answer, a timeout for a grain call that did not answer, else <c>500</c>.</summary>
internal static class ExceptionStatusCodes
{
    public static int Select(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when GrainErrors.StatusOf(exception) is { } status => status,
        SiloUnavailableException => StatusCodes.Status503ServiceUnavailable,
        _ when StorageFailures.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        TimeoutException => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };
}
