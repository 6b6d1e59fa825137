using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.Streams;

/// <summary>WebSocket event streams: <c>WS /api/runs/{id}/events</c> (replay then live) and seed 004's <c>WS /ws</c>.</summary>
public static class EventStreamsApi
{
    public static IEndpointRouteBuilder MapEventStreamsApi(this IEndpointRouteBuilder app) => app;
}
