using System.Text.Json.Nodes;

namespace Orchestrator.Api.Streams;

/// <summary>Messages every WebSocket sends whatever its route.</summary>
internal static class SocketMessages
{
    /// <summary>An error: what went wrong (<c>error</c>) and what failed (<c>message</c>), the shape seed 002 shows.</summary>
    public static JsonObject Error(string error, string message) =>
        new() { ["type"] = "error", ["error"] = error, ["message"] = message };
}
