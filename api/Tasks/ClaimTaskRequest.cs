namespace Orchestrator.Api.Tasks;

/// <summary>Body of <c>POST /api/tasks/{queue}/claim</c>: who claims, and how long to wait for a task (a duration such
/// as <c>2s</c>, at most <c>60s</c>; none: answer at once).</summary>
public sealed record ClaimTaskRequest(string? Worker, string? Wait);
