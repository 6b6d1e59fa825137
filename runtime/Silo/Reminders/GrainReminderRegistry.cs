namespace Orchestrator.Runtime.Reminders;

/// <summary>The reminders of one grain, backed by the silo's reminder service.</summary>
internal sealed class GrainReminderRegistry(GrainId grainId, ReminderService service) : IReminderRegistry
{
    public Task<IGrainReminder> RegisterOrUpdateAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        service.RegisterAsync(grainId, reminderName, dueTime, period);

    public Task UnregisterAsync(string reminderName) => service.UnregisterAsync(grainId, reminderName);

    public Task<IGrainReminder?> GetAsync(string reminderName) => Task.FromResult(service.Get(grainId, reminderName));

    public Task<IReadOnlyList<IGrainReminder>> GetAllAsync() => Task.FromResult(service.GetAll(grainId));
}
