using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Health;
using Orchestrator.Api.Runs;
using Orchestrator.Api.Workflows;

namespace Orchestrator.Api;

/// <summary>Maps every resource group of the HTTP API.</summary>
public static class ApiEndpoints
{
    /// <summary>The path every resource route starts with.</summary>
    public const string Prefix = "/api";

    /// <summary>Maps the resource API under <see cref="Prefix"/>.</summary>
    public static IEndpointRouteBuilder MapOrchestratorApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthApi();
        app.MapWorkflowsApi();
        app.MapRunsApi();
        return app;
    }
}
