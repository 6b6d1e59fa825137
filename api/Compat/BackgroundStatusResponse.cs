using System.Text.Json.Serialization;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of <c>GET /graph/background/{run_id}/status</c>. <see cref="TaskStatus"/> is <c>running</c>,
/// <c>completed</c>, <c>failed</c> or <c>not_found</c>; <see cref="WorkflowStatus"/> is the run's own status. For an
/// unknown run, <see cref="Status"/> says <c>not_found</c> too: seed 002's poller reads <c>task_status</c>, its
/// troubleshooting section shows <c>status</c>.</summary>
public sealed record BackgroundStatusResponse(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("task_status")] string TaskStatus,
    [property: JsonPropertyName("workflow_status")] string? WorkflowStatus,
    [property: JsonPropertyName("current_node")] string? CurrentNode,
    [property: JsonPropertyName("status")] string? Status = null);
