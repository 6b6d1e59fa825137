namespace Orchestrator.Runtime;

/// <summary>Implemented by grains that use durable reminders. Each tick is delivered as a turn.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Receives one tick of the reminder <paramref name="reminderName"/>. Delivery is at least once: a tick
    /// whose delivery failed or whose silo stopped is delivered again.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}
