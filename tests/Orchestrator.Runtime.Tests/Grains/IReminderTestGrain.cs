namespace Orchestrator.Runtime.Tests.Grains;

public interface IReminderTestGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task UnregisterAsync(string name);

    Task<DateTimeOffset?> GetDueAtAsync(string name);

    /// <summary>Starts a grain timer that records each tick; one-shot when <paramref name="period"/> is zero.</summary>
    Task StartTimerAsync(TimeSpan dueTime, TimeSpan period);
}
