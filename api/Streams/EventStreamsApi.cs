using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Streams;

/// <summary>WebSocket event streams: <c>WS /api/runs/{id}/events</c> (replay then live). The seeds' sockets are in
/// <c>Compat/</c>.</summary>
public static class EventStreamsApi
{
    public static IEndpointRouteBuilder MapEventStreamsApi(this IEndpointRouteBuilder app)
    {
        // Map (not MapGet): HTTP/2 WebSockets arrive as CONNECT. The GET on the same route (the JSON event log) is
        // told apart by WebSocketMatcherPolicy.
        app.Map(RunEventsSocketEndpoint.Route, RunEventsSocketEndpoint.HandleAsync).AsWebSocket().WithTags("runs").Viewer();
        app.MapSnapshotFeeds();
        return app;
    }

    /// <summary>Marks a WebSocket endpoint (see <see cref="WebSocketMatcherPolicy"/>) and keeps it out of the OpenAPI
    /// description, which cannot describe WebSockets.</summary>
    internal static RouteHandlerBuilder AsWebSocket(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(WebSocketEndpointMetadata.Instance).ExcludeFromDescription();
}
