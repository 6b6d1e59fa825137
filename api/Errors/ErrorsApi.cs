using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.Errors;

/// <summary><c>/api/errors</c> and the seed's <c>/api/errors/errors</c>: list error records and act on them.</summary>
public static class ErrorsApi
{
    public static IEndpointRouteBuilder MapErrorsApi(this IEndpointRouteBuilder app) => app;
}
