namespace Orchestrator.Schedules;

/// <summary>What a fire does while the run the schedule started last is still going (pending, running or paused).</summary>
public static class OverlapPolicies
{
    /// <summary>Start another run anyway.</summary>
    public const string Allow = "allow";

    /// <summary>Start nothing; the fire is recorded as skipped. The default.</summary>
    public const string Skip = "skip";

    /// <summary>Keep this fire and start it as soon as the previous run has finished; while one fire is kept, further
    /// fires are skipped.</summary>
    public const string BufferOne = "bufferOne";

    /// <summary>Cancel the previous run, then start a new one.</summary>
    public const string CancelPrevious = "cancelPrevious";

    /// <summary>Every policy.</summary>
    public static IReadOnlyList<string> All { get; } = [Allow, Skip, BufferOne, CancelPrevious];
}
