using System.Text.Json.Serialization;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of <c>POST /graph/run/background</c>.</summary>
public sealed record BackgroundRunResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status_endpoint")] string StatusEndpoint);
