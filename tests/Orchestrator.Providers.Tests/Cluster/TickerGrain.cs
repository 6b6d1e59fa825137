using System.Collections.Concurrent;
using System.Threading.Channels;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Providers.Tests.Cluster;

public interface ITickerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task StopAsync();
}

/// <summary>Counts its reminder's ticks in its persistent state and announces each one to the test.</summary>
internal sealed class TickerGrain([PersistentState("ticks", OrchestratorStorage.ProviderName)] IPersistentState<TickerState> ticks)
    : Grain, ITickerGrain, IRemindable
{
    public const string ReminderName = "tick";

    public Task StartAsync(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.State.Count++;
        await ticks.WriteStateAsync();
        TickAnnouncements.For(this.GetPrimaryKeyString()).Writer.TryWrite(ticks.State.Count);
    }
}

public sealed class TickerState
{
    public int Count { get; set; }
}

/// <summary>Where tickers announce their ticks: the silos run in the test's process.</summary>
public static class TickAnnouncements
{
    private static readonly ConcurrentDictionary<string, Channel<int>> Channels = new(StringComparer.Ordinal);

    public static Channel<int> For(string ticker) => Channels.GetOrAdd(ticker, _ => Channel.CreateUnbounded<int>());
}
