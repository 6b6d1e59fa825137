using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Tests.Cluster;

/// <summary>Our providers under real Orleans silos: grain state, journal and views through <c>[PersistentState]</c>,
/// reminders through our reminder table, with calls answered by both silos.</summary>
[Collection(nameof(ProviderCluster))]
public sealed class ProviderClusterTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PersistentState_IsReadBackWithItsJournalAndView_WhenTheGrainIsActivatedAgain()
    {
        var ledger = fixture.Grains.GetGrain<ILedgerGrain>("ledger-a");
        await ledger.AddAsync(5, "first");
        await ledger.AddAsync(2, "second");
        await ledger.AddAsync(4, "third");

        await fixture.Cluster.DeactivateAsync(ledger);
        var reread = await ledger.GetAsync();

        Assert.Equal((11, 3L), (reread.Total, reread.Entries));
        var grainId = ledger.GetGrainId();
        var journal = await fixture.Backend.Queries.ReadJournalAsync(grainId, 0, 10, CancellationToken.None);
        Assert.Equal([1L, 2, 3], journal.Select(entry => entry.Sequence));
        Assert.Contains("\"note\":\"third\"", journal[2].Payload, StringComparison.Ordinal);
        var page = await fixture.Backend.Queries.QueryViewAsync(new ViewQuery("ledgers", "odd", null, 100), CancellationToken.None);
        var row = Assert.Single(page.Rows, row => row.GrainKey == "ledger-a");
        Assert.Equal((grainId, "11"), (row.GrainId, row.Payload));
    }

    [Fact]
    public async Task GrainCalls_AreAnsweredByBothSilos_WhenManyGrainsAreActivated()
    {
        var views = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            fixture.Grains.GetGrain<ILedgerGrain>($"spread-{i}").AddAsync(i, $"note {i}")));

        var silos = views.Select(view => view.Silo[(view.Silo.IndexOf('@', StringComparison.Ordinal) + 1)..]).Distinct().Count();
        Assert.Equal(2, silos);
        Assert.Equal(Enumerable.Range(0, 24), views.Select(view => view.Total));
    }

    [Fact]
    public async Task Reminder_TicksThroughOurReminderTable_AndIsRemovedWhenUnregistered()
    {
        var ticker = fixture.Grains.GetGrain<ITickerGrain>("ticker-a");
        var announcements = TickAnnouncements.For("ticker-a").Reader;

        await ticker.StartAsync(TimeSpan.FromSeconds(1));
        var stored = await fixture.Backend.Reminders.ReadRow(ticker.GetGrainId(), TickerGrain.ReminderName);
        var first = await announcements.ReadAsync().AsTask().WaitAsync(Patience);
        var second = await announcements.ReadAsync().AsTask().WaitAsync(Patience);
        await ticker.StopAsync();

        Assert.NotNull(stored);
        Assert.Equal(TimeSpan.FromSeconds(1), stored.Period);
        Assert.Equal((1, 2), (first, second));
        Assert.Null(await fixture.Backend.Reminders.ReadRow(ticker.GetGrainId(), TickerGrain.ReminderName));
    }
}
