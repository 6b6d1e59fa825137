using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Cluster;
using Orchestrator.Api.Compat;
using Orchestrator.Api.Dashboard;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Health;
using Orchestrator.Api.Loops;
using Orchestrator.Api.Queues;
using Orchestrator.Api.Runs;
using Orchestrator.Api.Schedules;
using Orchestrator.Api.Security;
using Orchestrator.Api.Stats;
using Orchestrator.Api.Streams;
using Orchestrator.Api.Tasks;
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
        app.MapErrorsApi();
        app.MapSchedulesApi();
        app.MapLoopsApi();
        app.MapQueuesApi();
        app.MapTasksApi();
        app.MapClusterApi();
        app.MapEventStreamsApi();
        app.MapSeedRoutesApi();
        app.MapKeysApi();
        app.MapSessionApi();
        app.MapStatsApi();
        app.MapDashboard();
        app.MapAuditApi();
        return app;
    }
}
