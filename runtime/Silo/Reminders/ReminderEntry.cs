namespace Orchestrator.Runtime.Reminders;

/// <summary>A stored reminder.</summary>
/// <param name="GrainId">The grain it belongs to.</param>
/// <param name="Name">Its name, unique per grain.</param>
/// <param name="FirstDueAt">When it was first due.</param>
/// <param name="DueAt">When it is next due.</param>
/// <param name="Period">Its period; <see cref="TimeSpan.Zero"/> for one-shot.</param>
/// <param name="Etag">Changes on every write; empty on entries not yet stored.</param>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset FirstDueAt, DateTimeOffset DueAt, TimeSpan Period, string Etag = "");
