using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.OpenApi;

/// <summary>Serves the OpenAPI document of the resource API.</summary>
public static class OpenApiEndpoints
{
    /// <summary>Where the document is served.</summary>
    public const string DocumentRoute = "/openapi/v1.json";

    /// <summary>Maps <see cref="DocumentRoute"/>.</summary>
    public static IEndpointConventionBuilder MapOrchestratorOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi("/openapi/{documentName}.json");
}
