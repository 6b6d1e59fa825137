namespace Orchestrator.Api.Streams;

/// <summary>Marks an endpoint that serves WebSocket connections, so that <see cref="WebSocketMatcherPolicy"/> can tell
/// it from a plain HTTP endpoint on the same route (<c>GET /api/runs/{id}/events</c> answers JSON, the WebSocket on the
/// same route streams).</summary>
internal sealed class WebSocketEndpointMetadata
{
    public static readonly WebSocketEndpointMetadata Instance = new();

    private WebSocketEndpointMetadata()
    {
    }
}
