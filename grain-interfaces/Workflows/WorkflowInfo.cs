namespace Orchestrator.Workflows;

/// <summary>A workflow: its latest version and whether it is retired.</summary>
public sealed record WorkflowInfo(string Name, int LatestVersion, IReadOnlyList<WorkflowVersion> Versions, bool Retired, DateTimeOffset UpdatedAt);
