using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Problems;

namespace Orchestrator.Api.Streams;

/// <summary>Answers a request on a WebSocket route before any handshake, as an RFC 7807 problem.</summary>
internal static class WebSocketRejections
{
    public static IResult NotAWebSocket(string route) =>
        ApiProblems.BadRequest("Upgrade", $"{route} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)");

    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
}
