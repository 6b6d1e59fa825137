using Orchestrator.Definitions;

namespace Orchestrator.Api.Workflows;

/// <summary>A workflow version with its definition: the answer of <c>GET /api/workflows/{name}</c>.</summary>
public sealed record WorkflowResponse(string Name, int Version, int LatestVersion, bool Retired, WorkflowDefinition Definition);
