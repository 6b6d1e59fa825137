using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Tests.Storage;

/// <summary>The behaviour every storage backend must share. Each backend's test class derives from this one and says
/// how to open (and reopen) its store.</summary>
public abstract partial class StorageBackendContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly GrainId Run1 = new("run", "r1");
    private static readonly StreamId Queue = new("queue", "readings");

    private IStorageBackend? _backend;

    protected IStorageBackend Backend => _backend ?? throw new InvalidOperationException("The backend is not open.");

    /// <summary>Opens a new, empty, initialized backend.</summary>
    protected abstract Task<IStorageBackend> OpenAsync();

    /// <summary>Closes the backend and opens it again on the same data (a backend without persistence returns it as is).</summary>
    protected abstract Task<IStorageBackend> ReopenAsync(IStorageBackend backend);

    public async Task InitializeAsync() => _backend = await OpenAsync();

    public virtual async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task WriteAsync_ThrowsInconsistentStateAndKeepsNewerState_WhenSecondWriterHasStaleEtag()
    {
        var first = await WriteAsync(Run1, "v1", null);
        var fromWriterA = await WriteAsync(Run1, "from A", first);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Run1, "from B", first));

        Assert.Equal(Run1, conflict.GrainId);
        Assert.Equal("state", conflict.StateName);
        Assert.Equal(first, conflict.ExpectedEtag);
        Assert.Equal(fromWriterA, conflict.StoredEtag);
        Assert.Contains("run/r1", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(new GrainStateRecord("from A", fromWriterA), await Backend.Grains.ReadAsync(Run1, "state", Ct));
    }

    [Fact]
    public async Task WriteAsync_ReturnsNewEtagEachTime_WhenEtagMatches()
    {
        var first = await WriteAsync(Run1, "v1", null);
        var second = await WriteAsync(Run1, "v2", first);
        var third = await WriteAsync(Run1, "v3", second);

        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        Assert.Equal(new GrainStateRecord("v3", third), await Backend.Grains.ReadAsync(Run1, "state", Ct));
    }

    [Fact]
    public async Task WriteAsync_ThrowsInconsistentState_WhenInsertingOverExistingRecord()
    {
        var etag = await WriteAsync(Run1, "original", null);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Run1, "second insert", null));

        Assert.Null(conflict.ExpectedEtag);
        Assert.Equal(etag, conflict.StoredEtag);
        Assert.Equal("original", (await Backend.Grains.ReadAsync(Run1, "state", Ct))?.Payload);
    }

    [Fact]
    public async Task WriteAsync_ThrowsInconsistentState_WhenExpectingRecordThatDoesNotExist()
    {
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Run1, "v", "41"));

        Assert.Null(conflict.StoredEtag);
        Assert.Null(await Backend.Grains.ReadAsync(Run1, "state", Ct));
    }

    [Fact]
    public async Task WriteAsync_KeepsStateNamesApart_WhenGrainHasSeveralStates()
    {
        await Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "a", "A", null), Ct);
        await Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "b", "B", null), Ct);

        Assert.Equal("A", (await Backend.Grains.ReadAsync(Run1, "a", Ct))?.Payload);
        Assert.Equal("B", (await Backend.Grains.ReadAsync(Run1, "b", Ct))?.Payload);
        Assert.Null(await Backend.Grains.ReadAsync(new GrainId("run", "other"), "a", Ct));
    }

    [Fact]
    public async Task ClearAsync_RemovesStateAndViewRows_WhenEtagMatches()
    {
        var etag = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));

        await Backend.Grains.ClearAsync(Run1, "state", etag, Ct);

        Assert.Null(await Backend.Grains.ReadAsync(Run1, "state", Ct));
        Assert.Empty((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows);
        var recreated = await WriteAsync(Run1, "v2", null);
        Assert.NotEqual(etag, recreated);
    }

    [Fact]
    public async Task ClearAsync_Succeeds_WhenNoRecordExistsAndEtagIsNull()
    {
        await Backend.Grains.ClearAsync(Run1, "state", null, Ct);

        Assert.Null(await Backend.Grains.ReadAsync(Run1, "state", Ct));
    }

    [Fact]
    public async Task ClearAsync_ThrowsInconsistentStateAndKeepsState_WhenEtagIsStale()
    {
        var first = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));
        var second = await WriteAsync(Run1, "v2", first, Row("runs", "wf", "done", T0));

        var staleClear = await Assert.ThrowsAsync<InconsistentStateException>(() => Backend.Grains.ClearAsync(Run1, "state", first, Ct));
        var nullClear = await Assert.ThrowsAsync<InconsistentStateException>(() => Backend.Grains.ClearAsync(Run1, "state", null, Ct));

        Assert.Equal(second, staleClear.StoredEtag);
        Assert.Equal(second, nullClear.StoredEtag);
        Assert.Equal(new GrainStateRecord("v2", second), await Backend.Grains.ReadAsync(Run1, "state", Ct));
        Assert.Single((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows);
    }

    [Fact]
    public async Task WriteAsync_ReplacesGrainRowsOfNamedViewsOnly_WhenViewsAreGiven()
    {
        var etag = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0), Row("by-tag", "blue", "", T0));

        await WriteAsync(Run1, "v2", etag, Row("runs", "wf", "done", T0.AddMinutes(1), "{\"status\":\"done\"}"));

        var runs = (await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows;
        var row = Assert.Single(runs);
        Assert.Equal(new ViewResultRow(Run1, "wf", "done", T0.AddMinutes(1), "{\"status\":\"done\"}"), row);
        Assert.Single((await QueryAsync(new ViewQuery("by-tag", "blue", null, 10))).Rows);
    }

    [Fact]
    public async Task WriteAsync_LeavesViewsUntouched_WhenViewsAreNull()
    {
        var etag = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));

        await WriteAsync(Run1, "v2", etag);

        Assert.Equal("running", Assert.Single((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows).Key2);
    }

    [Fact]
    public async Task WriteAsync_WritesNoViewRows_WhenEtagConflicts()
    {
        var first = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));
        await WriteAsync(Run1, "v2", first, Row("runs", "wf", "done", T0));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => WriteAsync(Run1, "stale", first, Row("runs", "wf", "failed", T0), Row("other", "x", "y", T0)));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => WriteAsync(new GrainId("run", "r1"), "insert", null, Row("other", "x", "y", T0)));

        Assert.Equal("done", Assert.Single((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows).Key2);
        Assert.Empty((await QueryAsync(new ViewQuery("other", null, null, 10))).Rows);
    }

    [Fact]
    public async Task QueryViewAsync_PagesNewestFirst_WhenFollowingCursors()
    {
        await SeedRunsViewAsync();

        var first = await QueryAsync(new ViewQuery("runs", null, null, 2));
        var second = await QueryAsync(new ViewQuery("runs", null, null, 2, first.Next));
        var third = await QueryAsync(new ViewQuery("runs", null, null, 2, second.Next));

        Assert.Equal(["r5", "r4"], Keys(first));
        Assert.Equal(["r3", "r2"], Keys(second));
        Assert.Equal(["r1"], Keys(third));
        Assert.Equal(new ViewCursor(T0.AddMinutes(4), "r4"), first.Next);
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task QueryViewAsync_ReturnsMatchingRows_WhenFilteredByEitherOrBothKeys()
    {
        await SeedRunsViewAsync();

        Assert.Equal(["r4", "r2", "r1"], Keys(await QueryAsync(new ViewQuery("runs", "wf-a", null, 10))));
        Assert.Equal(["r4", "r3", "r1"], Keys(await QueryAsync(new ViewQuery("runs", null, "running", 10))));
        Assert.Equal(["r4", "r1"], Keys(await QueryAsync(new ViewQuery("runs", "wf-a", "running", 10))));
        Assert.Empty(Keys(await QueryAsync(new ViewQuery("runs", "wf-c", null, 10))));
        Assert.Empty(Keys(await QueryAsync(new ViewQuery("schedules", null, null, 10))));

        var firstPage = await QueryAsync(new ViewQuery("runs", "wf-a", null, 1));
        Assert.Equal(["r2", "r1"], Keys(await QueryAsync(new ViewQuery("runs", "wf-a", null, 5, firstPage.Next))));
    }

    [Fact]
    public async Task QueryViewAsync_ReturnsNoCursor_WhenPageEndsExactlyAtLastRow()
    {
        await SeedRunsViewAsync();

        var page = await QueryAsync(new ViewQuery("runs", "wf-a", null, 3));

        Assert.Equal(3, page.Rows.Count);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task QueryViewAsync_OrdersByGrainKeyDescending_WhenSortTimesAreEqual()
    {
        foreach (var key in new[] { "k2", "k1", "k3" })
        {
            await WriteAsync(new GrainId("run", key), "{}", null, Row("runs", "wf", "done", T0));
        }

        var first = await QueryAsync(new ViewQuery("runs", null, null, 2));
        var second = await QueryAsync(new ViewQuery("runs", null, null, 2, first.Next));

        Assert.Equal(["k3", "k2"], Keys(first));
        Assert.Equal(["k1"], Keys(second));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task UpsertAsync_ReplacesReminderWithNewEtag_WhenNameExists()
    {
        var first = await Backend.Reminders.UpsertAsync(Reminder(Run1, "retry", T0, TimeSpan.Zero), Ct);

        var second = await Backend.Reminders.UpsertAsync(Reminder(Run1, "retry", T0.AddMinutes(5), TimeSpan.FromSeconds(30)), Ct);

        Assert.NotEqual(first, second);
        var stored = Assert.Single(await Backend.Reminders.ReadAllAsync(Ct));
        Assert.Equal(Reminder(Run1, "retry", T0.AddMinutes(5), TimeSpan.FromSeconds(30)) with { Etag = second }, stored);
    }

    [Fact]
    public async Task ReadAsync_ReturnsOneGrainsReminders_WhenSeveralGrainsHaveReminders()
    {
        var other = new GrainId("schedule", "nightly");
        await Backend.Reminders.UpsertAsync(Reminder(Run1, "timeout", T0.AddMinutes(2), TimeSpan.Zero), Ct);
        await Backend.Reminders.UpsertAsync(Reminder(Run1, "retry", T0.AddMinutes(1), TimeSpan.Zero), Ct);
        await Backend.Reminders.UpsertAsync(Reminder(other, "tick", T0, TimeSpan.FromHours(24)), Ct);

        var mine = await Backend.Reminders.ReadAsync(Run1, Ct);
        var all = await Backend.Reminders.ReadAllAsync(Ct);

        Assert.Equal(["retry", "timeout"], mine.Select(entry => entry.Name));
        Assert.Equal(["tick", "retry", "timeout"], all.Select(entry => entry.Name));
        Assert.Equal(TimeSpan.FromHours(24), (await Backend.Reminders.ReadAsync(other, "tick", Ct))?.Period);
        Assert.Null(await Backend.Reminders.ReadAsync(other, "missing", Ct));
    }

    [Fact]
    public async Task UpdateDueAsync_ReturnsNullAndWritesNothing_WhenEtagIsStale()
    {
        var first = await Backend.Reminders.UpsertAsync(Reminder(Run1, "tick", T0, TimeSpan.FromMinutes(1)), Ct);
        var moved = await Backend.Reminders.UpdateDueAsync(Run1, "tick", T0.AddMinutes(1), first, Ct);

        var stale = await Backend.Reminders.UpdateDueAsync(Run1, "tick", T0.AddMinutes(9), first, Ct);
        var missing = await Backend.Reminders.UpdateDueAsync(Run1, "other", T0.AddMinutes(9), first, Ct);

        Assert.NotNull(moved);
        Assert.NotEqual(first, moved);
        Assert.Null(stale);
        Assert.Null(missing);
        var stored = await Backend.Reminders.ReadAsync(Run1, "tick", Ct);
        Assert.Equal(T0.AddMinutes(1), stored?.DueAt);
        Assert.Equal(T0, stored?.FirstDueAt);
        Assert.Equal(moved, stored?.Etag);
    }

    [Fact]
    public async Task RemoveAsync_RemovesReminder_OnlyWhenEtagMatchesOrIsNull()
    {
        var first = await Backend.Reminders.UpsertAsync(Reminder(Run1, "a", T0, TimeSpan.Zero), Ct);
        var second = await Backend.Reminders.UpsertAsync(Reminder(Run1, "a", T0, TimeSpan.Zero), Ct);
        await Backend.Reminders.UpsertAsync(Reminder(Run1, "b", T0, TimeSpan.Zero), Ct);

        Assert.False(await Backend.Reminders.RemoveAsync(Run1, "a", first, Ct));
        Assert.True(await Backend.Reminders.RemoveAsync(Run1, "a", second, Ct));
        Assert.True(await Backend.Reminders.RemoveAsync(Run1, "b", null, Ct));
        Assert.False(await Backend.Reminders.RemoveAsync(Run1, "b", null, Ct));
        Assert.Empty(await Backend.Reminders.ReadAllAsync(Ct));
    }

    [Fact]
    public async Task AppendAsync_NumbersItemsInOrder_WhenAppendedOneAfterAnother()
    {
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await Backend.Streams.AppendAsync(Queue, $"item {i}", 100, T0.AddSeconds(i), Ct));
        }

        var all = await Backend.Streams.ReadAsync(Queue, 0, 100, Ct);
        var middle = await Backend.Streams.ReadAsync(Queue, 2, 2, Ct);

        Assert.Equal([1L, 2, 3, 4, 5], all.Select(item => item.Sequence));
        Assert.Equal(new StoredStreamItem(Queue, 1, "item 1", T0.AddSeconds(1)), all[0]);
        Assert.Equal(["item 3", "item 4"], middle.Select(item => item.Payload));
        Assert.Empty(await Backend.Streams.ReadAsync(new StreamId("queue", "other"), 0, 100, Ct));
    }

    [Fact]
    public async Task AppendAsync_ReturnsNull_WhenStreamHoldsCapacityStoredItemsWithoutConsumers()
    {
        await Backend.Streams.AppendAsync(Queue, "a", 2, T0, Ct);
        await Backend.Streams.AppendAsync(Queue, "b", 2, T0, Ct);

        Assert.Null(await Backend.Streams.AppendAsync(Queue, "c", 2, T0, Ct));
        Assert.Equal(2, (await Backend.Streams.GetStatsAsync(Queue, Ct)).Depth);
    }

    [Fact]
    public async Task AppendAsync_AcceptsItemsAgain_WhenAcknowledgementFreesCapacity()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Streams.AppendAsync(Queue, $"item {i}", 3, T0, Ct);
        }

        var whenFull = await Backend.Streams.AppendAsync(Queue, "refused", 3, T0, Ct);
        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 1, Ct);
        var afterAck = await Backend.Streams.AppendAsync(Queue, "accepted", 3, T0, Ct);

        Assert.Null(whenFull);
        Assert.Equal(4, afterAck);
        Assert.Equal([2L, 3, 4], (await Backend.Streams.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Sequence));
        Assert.Equal(4, (await Backend.Streams.GetStatsAsync(Queue, Ct)).Produced);
    }

    [Fact]
    public async Task AcknowledgeAsync_KeepsItems_UntilEveryConsumerAcknowledgedThem()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "fast", Ct);
        await Backend.Streams.RegisterConsumerAsync(Queue, "slow", Ct);
        for (var i = 0; i < 4; i++)
        {
            await Backend.Streams.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Streams.AcknowledgeAsync(Queue, "fast", 4, Ct);
        var afterFast = await Backend.Streams.ReadAsync(Queue, 0, 10, Ct);
        await Backend.Streams.AcknowledgeAsync(Queue, "slow", 2, Ct);
        var afterSlow = await Backend.Streams.ReadAsync(Queue, 0, 10, Ct);

        Assert.Equal(4, afterFast.Count);
        Assert.Equal([3L, 4], afterSlow.Select(item => item.Sequence));
        var stats = await Backend.Streams.GetStatsAsync(Queue, Ct);
        Assert.Equal(2, stats.Depth);
        Assert.Equal([("fast", 4L), ("slow", 2L)], stats.Consumers.Select(c => (c.Consumer, c.Offset)));
    }

    [Fact]
    public async Task RegisterConsumerAsync_KeepsOffset_WhenConsumerRegistersAgain()
    {
        var fresh = await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Streams.AppendAsync(Queue, "b", 10, T0, Ct);
        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 1, Ct);

        var again = await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        var newcomer = await Backend.Streams.RegisterConsumerAsync(Queue, "audit", Ct);

        Assert.Equal(new StreamConsumerState(Queue, "loop", 0, 0, null), fresh);
        Assert.Equal(1, again.Offset);
        Assert.Equal(0, newcomer.Offset);
        Assert.Equal(["b"], (await Backend.Streams.ReadAsync(Queue, newcomer.Offset, 10, Ct)).Select(item => item.Payload));
        Assert.Equal(1, (await Backend.Streams.GetStatsAsync(Queue, Ct)).Depth);
    }

    [Fact]
    public async Task RecordFailureAsync_CountsFailures_UntilConsumerAcknowledges()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.AppendAsync(Queue, "poison", 10, T0, Ct);

        var first = await Backend.Streams.RecordFailureAsync(Queue, "loop", "boom 1", Ct);
        var second = await Backend.Streams.RecordFailureAsync(Queue, "loop", "boom 2", Ct);
        var whileFailing = await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 1, Ct);

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        Assert.Equal(new StreamConsumerState(Queue, "loop", 0, 2, "boom 2"), whileFailing);
        Assert.Equal(new StreamConsumerState(Queue, "loop", 1, 0, null), Assert.Single(await Backend.Streams.ListConsumersAsync(null, Ct)));
    }

    [Fact]
    public async Task DeadLetterAsync_MovesItemAndAdvancesOffset_WhenConsumerGivesUp()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.AppendAsync(Queue, "poison", 10, T0, Ct);
        await Backend.Streams.AppendAsync(Queue, "fine", 10, T0.AddSeconds(1), Ct);
        await Backend.Streams.RecordFailureAsync(Queue, "loop", "boom", Ct);
        var poison = (await Backend.Streams.ReadAsync(Queue, 0, 1, Ct))[0];

        await Backend.Streams.DeadLetterAsync(Queue, "loop", poison, "boom", 3, T0.AddMinutes(1), Ct);

        var deadLetter = Assert.Single(await Backend.Streams.ReadDeadLettersAsync(Queue, 10, Ct));
        Assert.Equal(new DeadLetter(Queue, "loop", 1, "poison", T0, "boom", 3, T0.AddMinutes(1)), deadLetter);
        var stats = await Backend.Streams.GetStatsAsync(Queue, Ct);
        Assert.Equal(1, stats.DeadLettered);
        Assert.Equal(2, stats.Produced);
        Assert.Equal(1, stats.Depth);
        Assert.Equal(new StreamConsumerState(Queue, "loop", 1, 0, null), Assert.Single(stats.Consumers));
        Assert.Equal(["fine"], (await Backend.Streams.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Payload));
    }

    [Fact]
    public async Task ListStreamsAsync_ListsStreamsWithItemsOrConsumers_WhenFilteredByNamespace()
    {
        var events = new StreamId("events", "run-1");
        var drained = new StreamId("queue", "drained");
        await Backend.Streams.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Streams.RegisterConsumerAsync(events, "ws", Ct);
        await Backend.Streams.AppendAsync(drained, "x", 0, T0, Ct);

        Assert.Equal([events, Queue], await Backend.Streams.ListStreamsAsync(null, Ct));
        Assert.Equal([Queue], await Backend.Streams.ListStreamsAsync("queue", Ct));
        Assert.Equal(["ws"], (await Backend.Streams.ListConsumersAsync("events", Ct)).Select(c => c.Consumer));
        Assert.Empty(await Backend.Streams.ListConsumersAsync("queue", Ct));
        var drainedStats = await Backend.Streams.GetStatsAsync(drained, Ct);
        Assert.Equal((0L, 0L, 0L), (drainedStats.Produced, drainedStats.Depth, drainedStats.DeadLettered));
        Assert.Empty(drainedStats.Consumers);
    }

    [Fact]
    public async Task ConsumerOffsets_SurviveReopen_WhenBackendIsReopened()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.RegisterConsumerAsync(Queue, "audit", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Streams.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 2, Ct);
        await Backend.Streams.RecordFailureAsync(Queue, "audit", "down", Ct);

        await ReopenBackendAsync();

        Assert.Equal(new StreamConsumerState(Queue, "loop", 2, 0, null), await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct));
        Assert.Equal(new StreamConsumerState(Queue, "audit", 0, 1, "down"), await Backend.Streams.RegisterConsumerAsync(Queue, "audit", Ct));
        Assert.Equal(4, await Backend.Streams.AppendAsync(Queue, "after reopen", 10, T0, Ct));
    }

    [Fact]
    public async Task StoredData_SurvivesReopen_WhenBackendIsReopened()
    {
        var etag = await WriteAsync(Run1, "kept", null, Row("runs", "wf", "running", T0));
        var reminderEtag = await Backend.Reminders.UpsertAsync(Reminder(Run1, "retry", T0, TimeSpan.Zero), Ct);
        await Backend.Streams.AppendAsync(Queue, "kept item", 10, T0, Ct);
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        var poison = (await Backend.Streams.ReadAsync(Queue, 0, 1, Ct))[0];
        await Backend.Streams.DeadLetterAsync(Queue, "loop", poison, "boom", 5, T0, Ct);

        await ReopenBackendAsync();

        Assert.Equal(new GrainStateRecord("kept", etag), await Backend.Grains.ReadAsync(Run1, "state", Ct));
        Assert.Equal(Run1, Assert.Single((await QueryAsync(new ViewQuery("runs", "wf", null, 10))).Rows).GrainId);
        Assert.Equal(reminderEtag, (await Backend.Reminders.ReadAsync(Run1, "retry", Ct))?.Etag);
        Assert.Equal(1, (await Backend.Streams.GetStatsAsync(Queue, Ct)).DeadLettered);
        Assert.Single(await Backend.Streams.ReadDeadLettersAsync(Queue, 10, Ct));
        var next = await WriteAsync(Run1, "after reopen", etag);
        Assert.NotEqual(etag, next);
        Assert.NotEqual(reminderEtag, next);
    }

    [Fact]
    public async Task FlushAsync_CompletesAfterEarlierWritesAreStored_WhenWritesArePending()
    {
        var grains = Enumerable.Range(0, 20).Select(i => new GrainId("run", $"g{i}")).ToArray();
        var writes = grains.Select(grain => WriteAsync(grain, "flushed", null)).ToList();

        await Backend.FlushAsync(Ct);

        foreach (var grain in grains)
        {
            Assert.Equal("flushed", (await Backend.Grains.ReadAsync(grain, "state", Ct))?.Payload);
        }

        await Backend.PingAsync(Ct);
        await Task.WhenAll(writes);
    }

    [Fact]
    public async Task WriteAsync_AppendsJournalWithState_AndReadJournalPagesInOrder()
    {
        var etag = await Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "state", "v1", null, Journal: [new(1, "e1"), new(2, "e2")]), Ct);
        await Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "state", "v2", etag, Journal: [new(3, "e3")]), Ct);
        await ReopenBackendAsync();

        Assert.Equal([new JournalEntry(1, "e1"), new JournalEntry(2, "e2"), new JournalEntry(3, "e3")],
            await Backend.Grains.ReadJournalAsync(Run1, 0, 10, Ct));
        Assert.Equal([new JournalEntry(3, "e3")], await Backend.Grains.ReadJournalAsync(Run1, 2, 10, Ct));
        Assert.Equal([new JournalEntry(2, "e2")], await Backend.Grains.ReadJournalAsync(Run1, 1, 1, Ct));
        Assert.Empty(await Backend.Grains.ReadJournalAsync(new GrainId("run", "other"), 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_AppendsNoJournal_WhenEtagConflicts_AndClearRemovesIt()
    {
        var etag = await Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "state", "v1", null, Journal: [new(1, "e1")]), Ct);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Backend.Grains.WriteAsync(new GrainStateWrite(Run1, "state", "stale", "999999", Journal: [new(2, "lost")]), Ct));
        Assert.Equal([new JournalEntry(1, "e1")], await Backend.Grains.ReadJournalAsync(Run1, 0, 10, Ct));

        await Backend.Grains.ClearAsync(Run1, "state", etag, Ct);
        Assert.Empty(await Backend.Grains.ReadJournalAsync(Run1, 0, 10, Ct));
    }

    protected async Task ReopenBackendAsync() => _backend = await ReopenAsync(Backend);

    protected Task<string> WriteAsync(GrainId grain, string payload, string? etag, params ViewRow[] views) =>
        Backend.Grains.WriteAsync(new GrainStateWrite(grain, "state", payload, etag, views.Length == 0 ? null : views), Ct);

    private Task<ViewPage> QueryAsync(ViewQuery query) => Backend.Grains.QueryViewAsync(query, Ct);

    private async Task SeedRunsViewAsync()
    {
        (string Key, string Workflow, string Status)[] runs =
            [("r1", "wf-a", "running"), ("r2", "wf-a", "done"), ("r3", "wf-b", "running"), ("r4", "wf-a", "running"), ("r5", "wf-b", "done")];
        for (var i = 0; i < runs.Length; i++)
        {
            var (key, workflow, status) = runs[i];
            await WriteAsync(new GrainId("run", key), "{}", null, Row("runs", workflow, status, T0.AddMinutes(i + 1)));
        }
    }

    private static ViewRow Row(string view, string key1, string key2, DateTimeOffset sortAt, string payload = "{}") =>
        new(view, key1, key2, sortAt, payload);

    private static ReminderEntry Reminder(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan period) =>
        new(grain, name, dueAt, dueAt, period);

    private static List<string> Keys(ViewPage page) => page.Rows.Select(row => row.GrainId.Key).ToList();
}
