namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>A class that is not a node.</summary>
public sealed class NotANode
{
    public override string ToString() => nameof(NotANode);
}
