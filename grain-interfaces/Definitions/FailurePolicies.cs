namespace Orchestrator.Definitions;

/// <summary>Values of <see cref="NodeDefinition.OnFailure"/>.</summary>
public static class FailurePolicies
{
    /// <summary>A node that fails (after its retries) fails the run.</summary>
    public const string FailRun = "failRun";

    /// <summary>A node that fails is recorded as failed and the run goes on without it.</summary>
    public const string Continue = "continue";

    /// <summary>Every policy.</summary>
    public static IReadOnlyList<string> All { get; } = [FailRun, Continue];
}
