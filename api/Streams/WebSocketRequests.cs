using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orchestrator.Api.Streams;

/// <summary>Recognises WebSocket handshakes before the WebSocket middleware has looked at the request (routing runs
/// first).</summary>
internal static class WebSocketRequests
{
    public static bool IsWebSocketRequest(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            return true;
        }

        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) &&
            request.Headers.Upgrade.Any(value => string.Equals(value, "websocket", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // HTTP/2 WebSockets (RFC 8441): an extended CONNECT with the websocket protocol.
        return context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect &&
               string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
    }
}
