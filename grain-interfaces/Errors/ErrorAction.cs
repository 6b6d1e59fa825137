namespace Orchestrator.Errors;

/// <summary>Something that happened to an error record: who did what, when and why.</summary>
/// <param name="Action">created, retry, retry_scheduled, retry_succeeded, retry_failed, resolve, ignore, escalate.</param>
/// <param name="By">A person's name, or <c>system</c>.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, or the error of a failed retry.</param>
public sealed record ErrorAction(string Action, string By, DateTimeOffset At, string? Reason);
