using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of <c>POST /graph/run</c>.</summary>
public sealed record GraphRunResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("final_state")] JsonObject FinalState,
    [property: JsonPropertyName("execution_log")] JsonArray ExecutionLog,
    [property: JsonPropertyName("error")] string? Error);
