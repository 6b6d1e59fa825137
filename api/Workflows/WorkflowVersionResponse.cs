namespace Orchestrator.Api.Workflows;

/// <summary>A stored version: the answer of <c>POST /api/workflows</c>.</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Version">The version number (1, 2, …).</param>
/// <param name="ContentHash">Hash of the canonical definition.</param>
/// <param name="Created">False when the same content was stored before and its version is returned.</param>
public sealed record WorkflowVersionResponse(string Name, int Version, string ContentHash, bool Created);
