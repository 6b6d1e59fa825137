namespace Orchestrator.Tasks;

/// <summary>Task ids: <c>{queue}:{sequence}</c>, the queue's own sequence number, so that a task id names its queue and
/// tells a task that ended (a sequence number the queue has given) from one that never existed.</summary>
public static class TaskIds
{
    public static string For(string queue, long sequence) => $"{queue}:{sequence}";

    /// <summary>Reads the queue and sequence number of <paramref name="taskId"/>; false when it is not a task id.</summary>
    public static bool TryParse(string? taskId, out string queue, out long sequence)
    {
        queue = "";
        sequence = 0;
        var colon = taskId?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !long.TryParse(taskId.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence) || sequence < 1)
        {
            return false;
        }

        queue = taskId![..colon];
        return true;
    }
}
