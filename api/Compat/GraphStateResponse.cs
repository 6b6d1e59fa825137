using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of <c>GET /graph/state/{run_id}</c>; <see cref="CurrentNode"/> is <c>END</c> once the run
/// completed.</summary>
public sealed record GraphStateResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("current_node")] string? CurrentNode,
    [property: JsonPropertyName("state")] JsonObject State,
    [property: JsonPropertyName("execution_log")] JsonArray ExecutionLog,
    [property: JsonPropertyName("error")] string? Error);
