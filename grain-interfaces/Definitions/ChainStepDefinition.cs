namespace Orchestrator.Definitions;

/// <summary>One node in a loop's chain and whether the loop waits for it.</summary>
public sealed record ChainStepDefinition
{
    /// <summary>The name of a node in <see cref="WorkflowDefinition.Nodes"/>.</summary>
    public required string Node { get; init; }

    /// <summary>One of <see cref="ChainModes"/>. Default <see cref="ChainModes.Blocking"/>.</summary>
    public string Mode { get; init; } = ChainModes.Blocking;
}
