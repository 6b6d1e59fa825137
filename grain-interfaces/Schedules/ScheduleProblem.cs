namespace Orchestrator.Schedules;

/// <summary>One thing wrong with a schedule definition, named by its field (<c>cron</c>, <c>timeZone</c>,
/// <c>task.config.command</c>).</summary>
public sealed record ScheduleProblem(string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Field}: {Message}";
}
