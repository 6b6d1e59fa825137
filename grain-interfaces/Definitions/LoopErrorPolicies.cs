namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="LoopDefinition.OnError"/>: what a failed iteration does to its loop.</summary>
public static class LoopErrorPolicies
{
    /// <summary>Record the error and start the next iteration.</summary>
    public const string Continue = "continue";

    /// <summary>Pause the loop until someone resumes it.</summary>
    public const string Pause = "pause";

    /// <summary>Stop the loop.</summary>
    public const string Stop = "stop";

    /// <summary>Every policy.</summary>
    public static IReadOnlyList<string> All { get; } = [Continue, Pause, Stop];
}
