using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Streams;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Compat;

/// <summary>The routes the seed documents specify, exactly as their example clients use them: seed 002's <c>/graph/*</c>
/// and <c>WS /ws/graph/run/{graph_id}</c>, seed 000's <c>WS /ws/results/{run_id}</c>, seed 004's
/// <c>/api/scheduler/schedules</c>, <c>/api/errors/errors</c> and <c>WS /ws</c>. Everything seed-shaped lives in this
/// folder and is built from the resource API's pieces; nothing outside it uses it.</summary>
public static class SeedRoutesApi
{
    /// <summary>The services the seed routes need (the <c>/ws</c> notification hub).</summary>
    public static IServiceCollection AddSeedRoutes(this IServiceCollection services)
    {
        services.TryAddSingleton<NotificationHub>();
        return services;
    }

    public static IEndpointRouteBuilder MapSeedRoutesApi(this IEndpointRouteBuilder app)
    {
        app.MapSeedSchedules();
        app.MapSeedErrors();
        app.Map(NotificationsSocketEndpoint.Route, NotificationsSocketEndpoint.HandleAsync).AsWebSocket().WithTags("streams").Viewer();
        var graph = app.MapGroup("/graph").WithTags("seed routes");
        graph.MapPost("/create", GraphEndpoints.CreateAsync).WithName("CreateGraphSeed")
            .Produces<GraphCreatedResponse>(StatusCodes.Status201Created).Produces<GraphCreatedResponse>()
            .WithSummary("Seed 002: stores a definition (JSON, or YAML with Content-Type: application/yaml) → {graph_id}.")
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status422UnprocessableEntity])
            .Admin();
        graph.MapPost("/run", GraphEndpoints.RunAsync).WithName("RunGraphSeed")
            .Produces<GraphRunResponse>().Produces<GraphRunResponse>(StatusCodes.Status202Accepted)
            .WithSummary("Seed 002: {graph_id, initial_state} → runs to the end → {run_id, status, final_state, execution_log}.")
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        graph.MapPost("/run/background", GraphEndpoints.RunInBackgroundAsync).WithName("RunGraphInBackgroundSeed")
            .Produces<BackgroundRunResponse>()
            .WithSummary("Seed 002: {graph_id, initial_state} → {run_id, message, status_endpoint}.")
            .WithProblems([.. ProblemResponses.BodyProblems, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Operator();
        graph.MapGet("/background/{run_id}/status", GraphEndpoints.GetBackgroundStatusAsync).WithName("GetGraphRunStatusSeed")
            .Produces<BackgroundStatusResponse>().Produces<BackgroundStatusResponse>(StatusCodes.Status404NotFound)
            .WithSummary("Seed 002: {run_id, task_status: running|completed|failed|not_found, workflow_status, current_node}; 404 with task_status not_found for an unknown run.")
            .Viewer();
        graph.MapGet("/state/{run_id}", GraphEndpoints.GetStateAsync).WithName("GetGraphRunStateSeed")
            .Produces<GraphStateResponse>()
            .WithSummary("Seed 002: {run_id, status, current_node (END when finished), state, execution_log}.")
            .WithProblems(StatusCodes.Status404NotFound)
            .Viewer();
        app.Map(GraphRunSocketEndpoint.Route, GraphRunSocketEndpoint.HandleAsync).AsWebSocket().WithTags("seed routes").Operator();
        app.Map(TaskResultsSocketEndpoint.Route, TaskResultsSocketEndpoint.HandleAsync).AsWebSocket().WithTags("seed routes").Viewer();
        return app;
    }
}
