namespace Orchestrator.Api.Tasks;

/// <summary>Body of <c>POST /api/tasks/{taskId}/fail</c>: what went wrong (the attempt's error).</summary>
public sealed record FailTaskRequest(string? Error);
