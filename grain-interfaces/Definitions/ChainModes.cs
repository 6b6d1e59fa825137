namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="ChainStepDefinition.Mode"/>.</summary>
public static class ChainModes
{
    /// <summary>The loop waits for the node before going on; its output flows to the next node.</summary>
    public const string Blocking = "blocking";

    /// <summary>The node's work is handed off and the loop goes on at once.</summary>
    public const string NonBlocking = "nonblocking";

    /// <summary>Every mode.</summary>
    public static IReadOnlyList<string> All { get; } = [Blocking, NonBlocking];
}
