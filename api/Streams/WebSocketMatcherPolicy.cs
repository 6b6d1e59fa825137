using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Orchestrator.Api.Streams;

/// <summary>Chooses between a WebSocket endpoint and a plain HTTP endpoint that share a route: a WebSocket handshake
/// goes to the WebSocket endpoint, any other request to the other one. A WebSocket endpoint without a plain twin still
/// gets plain requests (and answers them with a 400 that says to connect with a WebSocket).</summary>
internal sealed class WebSocketMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the HTTP method policy, so that only candidates for the request's method are left.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(IsWebSocketEndpoint) && endpoints.Any(e => !IsWebSocketEndpoint(e));

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var webSocket = WebSocketRequests.IsWebSocketRequest(httpContext);
        var anyWebSocket = false;
        var anyPlain = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i))
            {
                if (IsWebSocketEndpoint(candidates[i].Endpoint))
                {
                    anyWebSocket = true;
                }
                else
                {
                    anyPlain = true;
                }
            }
        }

        if (!anyWebSocket || !anyPlain)
        {
            return Task.CompletedTask;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && IsWebSocketEndpoint(candidates[i].Endpoint) != webSocket)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsWebSocketEndpoint(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<WebSocketEndpointMetadata>() is not null;
}
