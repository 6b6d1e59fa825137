namespace Orchestrator.Runtime.Tests.Grains;

public sealed class ReminderTestGrain(Probe probe) : Grain, IReminderTestGrain, IRemindable
{
    private int _timerTicks;

    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public Task UnregisterAsync(string name) => UnregisterReminder(name);

    public async Task<DateTimeOffset?> GetDueAtAsync(string name) => (await GetReminder(name))?.DueAt;

    public Task StartTimerAsync(TimeSpan dueTime, TimeSpan period)
    {
        RegisterGrainTimer(
            _ =>
            {
                _timerTicks++;
                probe.Record($"timer:{this.GetPrimaryKeyString()}:{_timerTicks}");
                return Task.CompletedTask;
            },
            dueTime,
            period);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record($"reminder:{this.GetPrimaryKeyString()}:{reminderName}:{status.CurrentTickTime:O}");
        return Task.CompletedTask;
    }
}
