using System.Text.Json.Serialization;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of <c>POST /graph/create</c>: the graph id is the workflow's name.</summary>
public sealed record GraphCreatedResponse(
    [property: JsonPropertyName("graph_id")] string GraphId,
    [property: JsonPropertyName("version")] int Version);
