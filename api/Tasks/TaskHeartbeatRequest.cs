using System.Text.Json.Nodes;

namespace Orchestrator.Api.Tasks;

/// <summary>Body of <c>POST /api/tasks/{taskId}/heartbeat</c>: optional progress details, shown on the queue's listing.</summary>
public sealed record TaskHeartbeatRequest(JsonNode? Details);
