namespace Orchestrator.Runtime;

/// <summary>Durable reminders of one grain.</summary>
public interface IReminderRegistry
{
    /// <summary>Registers or replaces a reminder; completes once it is durable.</summary>
    Task<IGrainReminder> RegisterOrUpdateAsync(string reminderName, TimeSpan dueTime, TimeSpan period);

    /// <summary>Removes a reminder if it exists.</summary>
    Task UnregisterAsync(string reminderName);

    /// <summary>Returns a reminder by name, or null.</summary>
    Task<IGrainReminder?> GetAsync(string reminderName);

    /// <summary>Returns all reminders of the grain.</summary>
    Task<IReadOnlyList<IGrainReminder>> GetAllAsync();
}
