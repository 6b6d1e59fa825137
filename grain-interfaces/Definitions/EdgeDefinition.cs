namespace Orchestrator.Definitions;

/// <summary>A graph-mode transition from one node to another (or to <see cref="WorkflowDefinition.EndNode"/>).</summary>
public sealed record EdgeDefinition
{
    /// <summary>The node whose completion the edge follows.</summary>
    public required string From { get; init; }

    /// <summary>The next node, or <see cref="WorkflowDefinition.EndNode"/> to finish the run.</summary>
    public required string To { get; init; }

    /// <summary>An expression that must be truthy for the edge to be taken; always taken when absent.</summary>
    public string? When { get; init; }
}
