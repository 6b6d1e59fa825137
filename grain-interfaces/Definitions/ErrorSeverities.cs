namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="NodeDefinition.Severity"/>: how much a failure of the node matters, which picks the
/// automatic recovery policy of its error record.</summary>
public static class ErrorSeverities
{
    public const string Low = "low";

    /// <summary>The default.</summary>
    public const string Medium = "medium";

    public const string High = "high";

    public const string Critical = "critical";

    /// <summary>Every severity, from the least to the most severe.</summary>
    public static IReadOnlyList<string> All { get; } = [Low, Medium, High, Critical];
}
