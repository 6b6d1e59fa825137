namespace Orchestrator.Workflows;

/// <summary>A stored version of a workflow definition.</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Version">1, 2, …; immutable once stored.</param>
/// <param name="ContentHash">Hash of the canonical definition: the same content yields the same version.</param>
/// <param name="CreatedAt">When this version was stored.</param>
/// <param name="Created">False when the content matched an existing version, which is returned instead.</param>
[Immutable]
public sealed record WorkflowVersion(string Name, int Version, string ContentHash, DateTimeOffset CreatedAt, bool Created);
