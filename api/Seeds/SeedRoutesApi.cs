using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Streams;

namespace Orchestrator.Api.Seeds;

/// <summary>The routes the seed documents specify, exactly as their example clients use them (seed 002's
/// <c>/graph/*</c> and <c>WS /ws/graph/run/{graph_id}</c>, seed 000's <c>WS /ws/results/{run_id}</c>).</summary>
public static class SeedRoutesApi
{
    public static IEndpointRouteBuilder MapSeedRoutesApi(this IEndpointRouteBuilder app)
    {
        var graph = app.MapGroup("/graph").WithTags("seed routes");
        graph.MapPost("/create", GraphEndpoints.CreateAsync)
            .WithSummary("Seed 002: stores a definition (JSON, or YAML with Content-Type: application/yaml) → {graph_id}.");
        graph.MapPost("/run", GraphEndpoints.RunAsync)
            .WithSummary("Seed 002: {graph_id, initial_state} → runs to the end → {run_id, status, final_state, execution_log}.");
        graph.MapPost("/run/background", GraphEndpoints.RunInBackgroundAsync)
            .WithSummary("Seed 002: {graph_id, initial_state} → {run_id, message, status_endpoint}.");
        graph.MapGet("/background/{run_id}/status", GraphEndpoints.GetBackgroundStatusAsync)
            .WithSummary("Seed 002: {run_id, task_status: running|completed|failed|not_found, workflow_status, current_node}.");
        graph.MapGet("/state/{run_id}", GraphEndpoints.GetStateAsync)
            .WithSummary("Seed 002: {run_id, status, current_node (END when finished), state, execution_log}.");
        app.Map(GraphRunSocketEndpoint.Route, GraphRunSocketEndpoint.HandleAsync).AsWebSocket().WithTags("seed routes");
        app.Map(TaskResultsSocketEndpoint.Route, TaskResultsSocketEndpoint.HandleAsync).AsWebSocket().WithTags("seed routes");
        return app;
    }
}
