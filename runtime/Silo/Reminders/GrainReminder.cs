namespace Orchestrator.Runtime.Reminders;

/// <summary>A reminder as handed to grains.</summary>
internal sealed record GrainReminder(string ReminderName, DateTimeOffset DueAt, TimeSpan Period) : IGrainReminder;
