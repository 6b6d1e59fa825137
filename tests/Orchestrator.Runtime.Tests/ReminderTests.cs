using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Testing;
using Orchestrator.Runtime.Tests.Grains;

namespace Orchestrator.Runtime.Tests;

public sealed class ReminderTests : IDisposable
{
    private readonly string _database = Silos.NewDatabasePath();
    private readonly FakeClock _clock = new();
    private readonly Probe _probe = new();

    public void Dispose() => Silos.DeleteDatabase(_database);

    [Fact]
    public async Task OneShotReminder_Fires_AfterASiloRestartOnTheSameSqliteFile()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, _clock));
        var registeredAt = _clock.GetUtcNow();
        await silo.GrainFactory.GetGrain<IReminderTestGrain>("r1").RegisterAsync("wake", TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        await silo.StopAsync();

        await using var restarted = await silo.RestartAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        await _probe.WaitForCountAsync("reminder:r1:wake", 1);
        await Reminders(restarted).DeliveriesCompletedAsync();

        Assert.Equal([$"reminder:r1:wake:{registeredAt.AddMilliseconds(100):O}"], _probe.Events.Where(e => e.StartsWith("reminder:", StringComparison.Ordinal)));
        Assert.Null(await restarted.GrainFactory.GetGrain<IReminderTestGrain>("r1").GetDueAtAsync("wake"));
        Assert.Empty(await restarted.Storage.Reminders.ReadAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PeriodicReminder_MissedDuringDowntime_FiresOnceThenKeepsItsSchedule()
    {
        var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, _clock));
        var firstDue = _clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        await silo.GrainFactory.GetGrain<IReminderTestGrain>("r2").RegisterAsync("beat", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await silo.StopAsync();

        // Ten ticks fall due while the silo is down.
        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30));
        await using var restarted = await silo.RestartAsync();
        _clock.Advance(TimeSpan.Zero);
        await _probe.WaitForCountAsync("reminder:r2:beat", 1);
        await Reminders(restarted).DeliveriesCompletedAsync();

        // The next regular tick is the first one after the restart: 11 minutes after the first due time.
        var nextRegular = firstDue + TimeSpan.FromMinutes(10);
        Assert.Equal(nextRegular, await restarted.GrainFactory.GetGrain<IReminderTestGrain>("r2").GetDueAtAsync("beat"));
        Assert.Equal(1, _probe.Count("reminder:r2:beat"));

        _clock.Advance(TimeSpan.FromSeconds(30));
        await _probe.WaitForCountAsync("reminder:r2:beat", 2);
        await Reminders(restarted).DeliveriesCompletedAsync();

        Assert.Equal(
            [$"reminder:r2:beat:{firstDue:O}", $"reminder:r2:beat:{nextRegular:O}"],
            _probe.Events.Where(e => e.StartsWith("reminder:r2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RegisteringTheSameName_ReplacesTheReminder()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, _clock));
        var grain = silo.GrainFactory.GetGrain<IReminderTestGrain>("r3");
        await grain.RegisterAsync("once", TimeSpan.FromSeconds(10), TimeSpan.Zero);
        await grain.RegisterAsync("once", TimeSpan.FromSeconds(30), TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, _probe.Count("reminder:r3"));
        Assert.Single(await silo.Storage.Reminders.ReadAllAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(10));
        await _probe.WaitForCountAsync("reminder:r3:once", 1);
        await Reminders(silo).DeliveriesCompletedAsync();
        Assert.Equal(1, _probe.Count("reminder:r3"));
    }

    [Fact]
    public async Task UnregisteredReminder_DoesNotFire()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, _clock));
        var grain = silo.GrainFactory.GetGrain<IReminderTestGrain>("r4");
        await grain.RegisterAsync("gone", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await grain.RegisterAsync("kept", TimeSpan.FromSeconds(2), TimeSpan.Zero);
        await grain.UnregisterAsync("gone");

        _clock.Advance(TimeSpan.FromSeconds(2));
        await _probe.WaitForCountAsync("reminder:r4:kept", 1);
        Assert.Equal(0, _probe.Count("reminder:r4:gone"));
    }

    [Fact]
    public async Task Reminder_OnAGrainThatIsNotRemindable_IsRefused()
    {
        await using var silo = await TestSilo.StartAsync(Silos.Options(_probe, _database, _clock));
        var reminders = Reminders(silo);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            reminders.RegisterAsync(new GrainId("counter", "x"), "nope", TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Contains("IRemindable", error.Message, StringComparison.Ordinal);
    }

    private static ReminderService Reminders(TestSilo silo) => silo.Services.GetRequiredService<ReminderService>();
}
