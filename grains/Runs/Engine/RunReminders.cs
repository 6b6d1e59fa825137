namespace Orchestrator.Runs.Engine;

/// <summary>The names of a run's one-shot reminders and the command each delivers.</summary>
internal static class RunReminders
{
    /// <summary>Fires when the run's own <c>timeout</c> is reached.</summary>
    public const string RunTimeout = "run-timeout";

    /// <summary>Fires when the run's earliest durable delay ends (<see cref="RunState.DelaysDueAt"/>).</summary>
    public const string Delays = "delays";

    private const string RetryPrefix = "retry|";

    /// <summary>The reminder that starts the next attempt of <paramref name="node"/> (or of one of its forEach elements).</summary>
    public static string Retry(string node, int? itemIndex) =>
        itemIndex is null ? RetryPrefix + node : $"{RetryPrefix}{node}|{itemIndex}";

    /// <summary>The reminders the state of <paramref name="run"/> counts on while it is under way, each with when it falls
    /// due: the run's timeout, its earliest durable delay, and each retry that waits for its time.</summary>
    public static List<(string Name, DateTimeOffset DueAt)> CountedOn(RunState run)
    {
        var counted = new List<(string Name, DateTimeOffset DueAt)>();
        if (run.Status is not (RunStatus.Running or RunStatus.Paused))
        {
            return counted;
        }

        if (run.Deadline is { } deadline)
        {
            counted.Add((RunTimeout, deadline));
        }

        if (run.DelaysDueAt is { } delays)
        {
            counted.Add((Delays, delays));
        }

        foreach (var (name, node) in run.Nodes)
        {
            if (node.Status == NodeStatus.Retrying && node.NextAttemptAt is { } at)
            {
                counted.Add((Retry(name, null), at));
            }

            var from = node.FirstUnfinishedItem();
            var items = node.ActiveItems();
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].Status == NodeStatus.Retrying && items[i].NextAttemptAt is { } itemAt)
                {
                    counted.Add((Retry(name, from + i), itemAt));
                }
            }
        }

        return counted;
    }

    /// <summary>The command a tick of <paramref name="reminderName"/> delivers: a retry's and a delay's are the same, what
    /// fell due is looked up in the state.</summary>
    public static RunCommand CommandFor(string reminderName) =>
        reminderName == RunTimeout ? new RunCommand.RunTimedOut() : new RunCommand.RetriesDue();
}
