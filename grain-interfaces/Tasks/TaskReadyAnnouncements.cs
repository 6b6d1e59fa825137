namespace Orchestrator.Tasks;

/// <summary>The memory stream on which task queues announce that a task became ready (its items are queue names), so
/// that claims waiting on any silo try again.</summary>
public static class TaskReadyAnnouncements
{
    public const string Namespace = "task-ready";

    public const string Key = "all";
}
