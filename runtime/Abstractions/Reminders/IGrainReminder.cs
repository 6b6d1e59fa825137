namespace Orchestrator.Runtime;

/// <summary>A registered reminder.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique per grain.</summary>
    string ReminderName { get; }

    /// <summary>When it is next due.</summary>
    DateTimeOffset DueAt { get; }

    /// <summary>Its period; zero for one-shot.</summary>
    TimeSpan Period { get; }
}
