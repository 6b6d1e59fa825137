using System.Text.Json.Nodes;

namespace Orchestrator.Api.Tasks;

/// <summary>Body of <c>POST /api/tasks/{taskId}/complete</c>: the node's output.</summary>
public sealed record CompleteTaskRequest(JsonNode? Output);
