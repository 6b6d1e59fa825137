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

    /// <summary>The command a tick of <paramref name="reminderName"/> delivers: a retry's and a delay's are the same, what
    /// fell due is looked up in the state.</summary>
    public static RunCommand CommandFor(string reminderName) =>
        reminderName == RunTimeout ? new RunCommand.RunTimedOut() : new RunCommand.RetriesDue();
}
