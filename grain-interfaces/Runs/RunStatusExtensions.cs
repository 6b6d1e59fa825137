namespace Orchestrator.Runs;

/// <summary>Questions about statuses.</summary>
public static class RunStatusExtensions
{
    /// <summary>True for completed, failed and cancelled runs.</summary>
    public static bool IsFinished(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>True for completed, failed, cancelled and skipped nodes.</summary>
    public static bool IsFinished(this NodeStatus status) =>
        status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Cancelled or NodeStatus.Skipped;
}
