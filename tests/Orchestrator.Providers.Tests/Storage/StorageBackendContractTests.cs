using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Queues;
using Orleans.Storage;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>The behaviour every storage backend must share. Each backend's test class derives from this one and says
/// how to open (and reopen) its store.</summary>
public abstract partial class StorageBackendContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected static readonly GrainId Run1 = GrainId.Create("run", "r1");
    private static readonly StreamId Queue = StreamId.Create("queue", "readings");

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

        Assert.Equal(first, conflict.CurrentEtag);
        Assert.Equal(fromWriterA, conflict.StoredEtag);
        Assert.Contains("run/r1", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("'state'", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(new Stored("from A", fromWriterA), await ReadAsync(Run1, "state"));
    }

    [Fact]
    public async Task WriteAsync_ReturnsNewEtagEachTime_WhenEtagMatches()
    {
        var first = await WriteAsync(Run1, "v1", null);
        var second = await WriteAsync(Run1, "v2", first);
        var third = await WriteAsync(Run1, "v3", second);

        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        Assert.Equal(new Stored("v3", third), await ReadAsync(Run1, "state"));
    }

    [Fact]
    public async Task WriteAsync_ThrowsInconsistentState_WhenInsertingOverExistingRecord()
    {
        var etag = await WriteAsync(Run1, "original", null);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Run1, "second insert", null));

        Assert.Null(conflict.CurrentEtag);
        Assert.Equal(etag, conflict.StoredEtag);
        Assert.Equal("original", (await ReadAsync(Run1, "state"))?.Payload);
    }

    [Fact]
    public async Task WriteAsync_ThrowsInconsistentState_WhenExpectingRecordThatDoesNotExist()
    {
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Run1, "v", "41"));

        Assert.Null(conflict.StoredEtag);
        Assert.Null(await ReadAsync(Run1, "state"));
    }

    [Fact]
    public async Task WriteAsync_KeepsStateNamesApart_WhenGrainHasSeveralStates()
    {
        await WriteStateAsync(Run1, "a", "A", null);
        await WriteStateAsync(Run1, "b", "B", null);

        Assert.Equal("A", (await ReadAsync(Run1, "a"))?.Payload);
        Assert.Equal("B", (await ReadAsync(Run1, "b"))?.Payload);
        Assert.Null(await ReadAsync(GrainId.Create("run", "other"), "a"));
    }

    [Fact]
    public async Task ClearAsync_RemovesStateAndViewRows_WhenEtagMatches()
    {
        var etag = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));

        await ClearAsync(Run1, etag);

        Assert.Null(await ReadAsync(Run1, "state"));
        Assert.Empty((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows);
        var recreated = await WriteAsync(Run1, "v2", null);
        Assert.NotEqual(etag, recreated);
    }

    [Fact]
    public async Task ClearAsync_Succeeds_WhenNoRecordExistsAndEtagIsNull()
    {
        await ClearAsync(Run1, null);

        Assert.Null(await ReadAsync(Run1, "state"));
    }

    [Fact]
    public async Task ClearAsync_ThrowsInconsistentStateAndKeepsState_WhenEtagIsStale()
    {
        var first = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0));
        var second = await WriteAsync(Run1, "v2", first, Row("runs", "wf", "done", T0));

        var staleClear = await Assert.ThrowsAsync<InconsistentStateException>(() => ClearAsync(Run1, first));
        var nullClear = await Assert.ThrowsAsync<InconsistentStateException>(() => ClearAsync(Run1, null));

        Assert.Equal(second, staleClear.StoredEtag);
        Assert.Equal(second, nullClear.StoredEtag);
        Assert.Equal(new Stored("v2", second), await ReadAsync(Run1, "state"));
        Assert.Single((await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows);
    }

    [Fact]
    public async Task WriteAsync_ReplacesGrainRowsOfNamedViewsOnly_WhenViewsAreGiven()
    {
        var etag = await WriteAsync(Run1, "v1", null, Row("runs", "wf", "running", T0), Row("by-tag", "blue", "", T0));

        await WriteAsync(Run1, "v2", etag, Row("runs", "wf", "done", T0.AddMinutes(1), "{\"status\":\"done\"}"));

        var runs = (await QueryAsync(new ViewQuery("runs", null, null, 10))).Rows;
        var row = Assert.Single(runs);
        Assert.Equal(new ViewResultRow("run", "r1", "wf", "done", T0.AddMinutes(1), "{\"status\":\"done\"}"), row);
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
            () => WriteAsync(GrainId.Create("run", "r1"), "insert", null, Row("other", "x", "y", T0)));

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
    public async Task CountViewAsync_CountsRowsSinceATime_ByKey2AndAlignedSlices_OptionallyOfOneKey1()
    {
        await SeedRunsViewAsync();
        var slice = TimeSpan.FromMinutes(2);

        var all = await Backend.Queries.CountViewAsync(new ViewCountQuery("runs", null, T0.AddMinutes(2), slice), Ct);
        var ofA = await Backend.Queries.CountViewAsync(new ViewCountQuery("runs", "wf-a", T0, slice), Ct);
        var none = await Backend.Queries.CountViewAsync(new ViewCountQuery("runs", null, T0.AddHours(1), slice), Ct);

        Assert.Equal(
            [("done", T0.AddMinutes(2), 1L), ("done", T0.AddMinutes(4), 1L), ("running", T0.AddMinutes(2), 1L), ("running", T0.AddMinutes(4), 1L)],
            all.Select(c => (c.Key2, c.BucketStart, c.Count)).Order().ToList());
        Assert.Equal(
            [("done", T0.AddMinutes(2), 1L), ("running", T0, 1L), ("running", T0.AddMinutes(4), 1L)],
            ofA.Select(c => (c.Key2, c.BucketStart, c.Count)).Order().ToList());
        Assert.Empty(none);
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
            await WriteAsync(GrainId.Create("run", key), "{}", null, Row("runs", "wf", "done", T0));
        }

        var first = await QueryAsync(new ViewQuery("runs", null, null, 2));
        var second = await QueryAsync(new ViewQuery("runs", null, null, 2, first.Next));

        Assert.Equal(["k3", "k2"], Keys(first));
        Assert.Equal(["k1"], Keys(second));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task QueryViewAsync_PagesEveryKey2TogetherNewestFirst_WhenRowsOfManyKey2ValuesInterleave()
    {
        // Twelve runs over four statuses and two workflows, some sharing a time across statuses.
        string[] statuses = ["cancelled", "done", "failed", "running"];
        var expected = new List<(DateTimeOffset At, string Key, string Workflow)>();
        for (var i = 0; i < 12; i++)
        {
            var key = $"m{i:00}";
            var at = T0.AddMinutes(i / 2);
            var workflow = i % 3 == 0 ? "wf-b" : "wf-a";
            await WriteAsync(GrainId.Create("run", key), "{}", null, Row("runs", workflow, statuses[i * 7 % 4], at));
            expected.Add((at, key, workflow));
        }

        var newestFirst = expected.OrderByDescending(r => r.At).ThenByDescending(r => r.Key, StringComparer.Ordinal).ToList();
        foreach (var limit in new[] { 1, 2, 5, 12, 20 })
        {
            Assert.Equal(newestFirst.Select(r => r.Key), await AllPagesAsync(null, limit));
            Assert.Equal(newestFirst.Where(r => r.Workflow == "wf-a").Select(r => r.Key), await AllPagesAsync("wf-a", limit));
        }

        async Task<List<string>> AllPagesAsync(string? workflow, int limit)
        {
            var keys = new List<string>();
            ViewCursor? cursor = null;
            do
            {
                var page = await QueryAsync(new ViewQuery("runs", workflow, null, limit, cursor));
                Assert.InRange(page.Rows.Count, 1, limit);
                keys.AddRange(Keys(page));
                cursor = page.Next;
            }
            while (cursor is not null);

            return keys;
        }
    }

    [Fact]
    public async Task UpsertRow_ReplacesReminderWithNewEtag_WhenNameExists()
    {
        var first = await Backend.Reminders.UpsertRow(Reminder(Run1, "retry", T0, TimeSpan.FromMinutes(1)));

        var second = await Backend.Reminders.UpsertRow(Reminder(Run1, "retry", T0.AddMinutes(5), TimeSpan.FromSeconds(30)));

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        var stored = Assert.Single((await Backend.Reminders.ReadRows(Run1)).Reminders);
        Assert.Equal(("retry", T0.AddMinutes(5).UtcDateTime, TimeSpan.FromSeconds(30), second),
            (stored.ReminderName, stored.StartAt, stored.Period, stored.ETag));
        Assert.Equal(DateTimeKind.Utc, stored.StartAt.Kind);
    }

    [Fact]
    public async Task ReadRows_ReturnsOneGrainsReminders_WhenSeveralGrainsHaveReminders()
    {
        var other = GrainId.Create("schedule", "nightly");
        await Backend.Reminders.UpsertRow(Reminder(Run1, "timeout", T0.AddMinutes(2), TimeSpan.FromMinutes(1)));
        await Backend.Reminders.UpsertRow(Reminder(Run1, "retry", T0.AddMinutes(1), TimeSpan.FromMinutes(1)));
        await Backend.Reminders.UpsertRow(Reminder(other, "tick", T0, TimeSpan.FromHours(24)));

        var mine = (await Backend.Reminders.ReadRows(Run1)).Reminders;

        Assert.Equal(["retry", "timeout"], mine.Select(entry => entry.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(mine, entry => Assert.Equal(Run1, entry.GrainId));
        Assert.Equal(TimeSpan.FromHours(24), (await Backend.Reminders.ReadRow(other, "tick"))?.Period);
        Assert.Null(await Backend.Reminders.ReadRow(other, "missing"));
    }

    [Fact]
    public async Task ReadRows_ReturnsTheRemindersOnAnArcOfTheRing_IncludingOneThatWrapsPastTheTop()
    {
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("run", $"ring{i}")).ToList();
        foreach (var grain in grains)
        {
            await Backend.Reminders.UpsertRow(Reminder(grain, "tick", T0, TimeSpan.FromMinutes(1)));
        }

        var hashes = grains.Select(grain => grain.GetUniformHashCode()).Order().ToList();
        var begin = hashes[9];
        var end = hashes[29];

        Assert.Equal(Expected(hash => hash > begin && hash <= end), await Read(begin, end));
        Assert.Equal(Expected(hash => hash > end || hash <= begin), await Read(end, begin));
        Assert.Equal(grains.Count, (await Read(0, 0)).Count);

        List<GrainId> Expected(Func<uint, bool> inArc) => [.. grains.Where(grain => inArc(grain.GetUniformHashCode())).OrderBy(grain => grain.ToString(), StringComparer.Ordinal)];

        async Task<List<GrainId>> Read(uint from, uint to) =>
            [.. (await Backend.Reminders.ReadRows(from, to)).Reminders.Select(entry => entry.GrainId).OrderBy(grain => grain.ToString(), StringComparer.Ordinal)];
    }

    [Fact]
    public async Task RemoveRow_RemovesReminder_OnlyWhenEtagMatches()
    {
        var first = await Backend.Reminders.UpsertRow(Reminder(Run1, "a", T0, TimeSpan.FromMinutes(1)));
        var second = await Backend.Reminders.UpsertRow(Reminder(Run1, "a", T0, TimeSpan.FromMinutes(1)));
        var other = await Backend.Reminders.UpsertRow(Reminder(Run1, "b", T0, TimeSpan.FromMinutes(1)));

        Assert.False(await Backend.Reminders.RemoveRow(Run1, "a", first!));
        Assert.False(await Backend.Reminders.RemoveRow(Run1, "a", "not an etag"));
        Assert.True(await Backend.Reminders.RemoveRow(Run1, "a", second!));
        Assert.False(await Backend.Reminders.RemoveRow(Run1, "a", second!));
        Assert.Equal(["b"], (await Backend.Reminders.ReadRows(Run1)).Reminders.Select(entry => entry.ReminderName));
        Assert.Equal(other, (await Backend.Reminders.ReadRow(Run1, "b"))?.ETag);
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEveryReminder()
    {
        await Backend.Reminders.UpsertRow(Reminder(Run1, "a", T0, TimeSpan.FromMinutes(1)));
        await Backend.Reminders.UpsertRow(Reminder(GrainId.Create("schedule", "s"), "b", T0, TimeSpan.FromMinutes(1)));

        await Backend.Reminders.TestOnlyClearTable();

        Assert.Empty((await Backend.Reminders.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task AppendAsync_NumbersItemsInOrder_WhenAppendedOneAfterAnother()
    {
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await Backend.Queues.AppendAsync(Queue, $"item {i}", 100, T0.AddSeconds(i), Ct));
        }

        var all = await Backend.Queues.ReadAsync(Queue, 0, 100, Ct);
        var middle = await Backend.Queues.ReadAsync(Queue, 2, 2, Ct);

        Assert.Equal([1L, 2, 3, 4, 5], all.Select(item => item.Sequence));
        Assert.Equal(new QueueItem(Queue, 1, "item 1", T0.AddSeconds(1)), all[0]);
        Assert.Equal(["item 3", "item 4"], middle.Select(item => item.Payload));
        Assert.Empty(await Backend.Queues.ReadAsync(StreamId.Create("queue", "other"), 0, 100, Ct));
    }

    [Fact]
    public async Task AppendAsync_ReturnsNull_WhenStreamHoldsCapacityStoredItemsWithoutConsumers()
    {
        await Backend.Queues.AppendAsync(Queue, "a", 2, T0, Ct);
        await Backend.Queues.AppendAsync(Queue, "b", 2, T0, Ct);

        Assert.Null(await Backend.Queues.AppendAsync(Queue, "c", 2, T0, Ct));
        Assert.Equal(2, (await Backend.Queues.GetStatsAsync(Queue, Ct)).Depth);
    }

    [Fact]
    public async Task AppendAsync_AcceptsItemsAgain_WhenAcknowledgementFreesCapacity()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Queues.AppendAsync(Queue, $"item {i}", 3, T0, Ct);
        }

        var whenFull = await Backend.Queues.AppendAsync(Queue, "refused", 3, T0, Ct);
        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 1, Ct);
        var afterAck = await Backend.Queues.AppendAsync(Queue, "accepted", 3, T0, Ct);

        Assert.Null(whenFull);
        Assert.Equal(4, afterAck);
        Assert.Equal([2L, 3, 4], (await Backend.Queues.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Sequence));
        Assert.Equal(4, (await Backend.Queues.GetStatsAsync(Queue, Ct)).Produced);
    }

    [Fact]
    public async Task AcknowledgeAsync_KeepsItems_UntilEveryConsumerAcknowledgedThem()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "fast", Ct);
        await Backend.Queues.RegisterConsumerAsync(Queue, "slow", Ct);
        for (var i = 0; i < 4; i++)
        {
            await Backend.Queues.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Queues.AcknowledgeAsync(Queue, "fast", 4, Ct);
        var afterFast = await Backend.Queues.ReadAsync(Queue, 0, 10, Ct);
        await Backend.Queues.AcknowledgeAsync(Queue, "slow", 2, Ct);
        var afterSlow = await Backend.Queues.ReadAsync(Queue, 0, 10, Ct);

        Assert.Equal(4, afterFast.Count);
        Assert.Equal([3L, 4], afterSlow.Select(item => item.Sequence));
        var stats = await Backend.Queues.GetStatsAsync(Queue, Ct);
        Assert.Equal(2, stats.Depth);
        Assert.Equal([("fast", 4L), ("slow", 2L)], stats.Consumers.Select(c => (c.Consumer, c.Offset)));
    }

    [Fact]
    public async Task RegisterConsumerAsync_KeepsOffset_WhenConsumerRegistersAgain()
    {
        var fresh = await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Queues.AppendAsync(Queue, "b", 10, T0, Ct);
        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 1, Ct);

        var again = await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        var newcomer = await Backend.Queues.RegisterConsumerAsync(Queue, "audit", Ct);

        Assert.Equal(new QueueConsumer(Queue, "loop", 0, 0, null), fresh);
        Assert.Equal(1, again.Offset);
        Assert.Equal(0, newcomer.Offset);
        Assert.Equal(["b"], (await Backend.Queues.ReadAsync(Queue, newcomer.Offset, 10, Ct)).Select(item => item.Payload));
        Assert.Equal(1, (await Backend.Queues.GetStatsAsync(Queue, Ct)).Depth);
    }

    [Fact]
    public async Task RecordFailureAsync_CountsFailures_UntilConsumerAcknowledges()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.AppendAsync(Queue, "poison", 10, T0, Ct);

        var first = await Backend.Queues.RecordFailureAsync(Queue, "loop", "boom 1", Ct);
        var second = await Backend.Queues.RecordFailureAsync(Queue, "loop", "boom 2", Ct);
        var whileFailing = await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 1, Ct);

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        Assert.Equal(new QueueConsumer(Queue, "loop", 0, 2, "boom 2"), whileFailing);
        Assert.Equal(new QueueConsumer(Queue, "loop", 1, 0, null), Assert.Single(await Backend.Queues.ListConsumersAsync(null, Ct)));
    }

    [Fact]
    public async Task DeadLetterAsync_MovesItemAndAdvancesOffset_WhenConsumerGivesUp()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.AppendAsync(Queue, "poison", 10, T0, Ct);
        await Backend.Queues.AppendAsync(Queue, "fine", 10, T0.AddSeconds(1), Ct);
        await Backend.Queues.RecordFailureAsync(Queue, "loop", "boom", Ct);
        var poison = (await Backend.Queues.ReadAsync(Queue, 0, 1, Ct))[0];

        await Backend.Queues.DeadLetterAsync(Queue, "loop", poison, "boom", 3, T0.AddMinutes(1), Ct);

        var deadLetter = Assert.Single(await Backend.Queues.ReadDeadLettersAsync(Queue, 10, Ct));
        Assert.Equal(new QueueDeadLetter(Queue, "loop", 1, "poison", T0, "boom", 3, T0.AddMinutes(1)), deadLetter);
        var stats = await Backend.Queues.GetStatsAsync(Queue, Ct);
        Assert.Equal(1, stats.DeadLettered);
        Assert.Equal(2, stats.Produced);
        Assert.Equal(1, stats.Depth);
        Assert.Equal(new QueueConsumer(Queue, "loop", 1, 0, null), Assert.Single(stats.Consumers));
        Assert.Equal(["fine"], (await Backend.Queues.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Payload));
    }

    [Fact]
    public async Task ListQueuesAsync_ListsStreamsWithItemsOrConsumers_WhenFilteredByNamespace()
    {
        var events = StreamId.Create("events", "run-1");
        var drained = StreamId.Create("queue", "drained");
        await Backend.Queues.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Queues.RegisterConsumerAsync(events, "ws", Ct);
        await Backend.Queues.AppendAsync(drained, "x", 0, T0, Ct);

        Assert.Equal([events, Queue], await Backend.Queues.ListQueuesAsync(null, Ct));
        Assert.Equal([Queue], await Backend.Queues.ListQueuesAsync("queue", Ct));
        Assert.Equal(["ws"], (await Backend.Queues.ListConsumersAsync("events", Ct)).Select(c => c.Consumer));
        Assert.Empty(await Backend.Queues.ListConsumersAsync("queue", Ct));
        var drainedStats = await Backend.Queues.GetStatsAsync(drained, Ct);
        Assert.Equal((0L, 0L, 0L), (drainedStats.Produced, drainedStats.Depth, drainedStats.DeadLettered));
        Assert.Empty(drainedStats.Consumers);
    }

    [Fact]
    public async Task ConsumerOffsets_SurviveReopen_WhenBackendIsReopened()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.RegisterConsumerAsync(Queue, "audit", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Queues.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 2, Ct);
        await Backend.Queues.RecordFailureAsync(Queue, "audit", "down", Ct);

        await ReopenBackendAsync();

        Assert.Equal(new QueueConsumer(Queue, "loop", 2, 0, null), await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct));
        Assert.Equal(new QueueConsumer(Queue, "audit", 0, 1, "down"), await Backend.Queues.RegisterConsumerAsync(Queue, "audit", Ct));
        Assert.Equal(4, await Backend.Queues.AppendAsync(Queue, "after reopen", 10, T0, Ct));
    }

    [Fact]
    public async Task StoredData_SurvivesReopen_WhenBackendIsReopened()
    {
        var etag = await WriteAsync(Run1, "kept", null, Row("runs", "wf", "running", T0));
        var reminderEtag = await Backend.Reminders.UpsertRow(Reminder(Run1, "retry", T0, TimeSpan.FromMinutes(1)));
        await Backend.Queues.AppendAsync(Queue, "kept item", 10, T0, Ct);
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        var poison = (await Backend.Queues.ReadAsync(Queue, 0, 1, Ct))[0];
        await Backend.Queues.DeadLetterAsync(Queue, "loop", poison, "boom", 5, T0, Ct);

        await ReopenBackendAsync();

        Assert.Equal(new Stored("kept", etag), await ReadAsync(Run1, "state"));
        Assert.Equal(Run1, Assert.Single((await QueryAsync(new ViewQuery("runs", "wf", null, 10))).Rows).GrainId);
        Assert.Equal(reminderEtag, (await Backend.Reminders.ReadRow(Run1, "retry"))?.ETag);
        Assert.Equal(1, (await Backend.Queues.GetStatsAsync(Queue, Ct)).DeadLettered);
        Assert.Single(await Backend.Queues.ReadDeadLettersAsync(Queue, 10, Ct));
        var next = await WriteAsync(Run1, "after reopen", etag);
        Assert.NotEqual(etag, next);
        Assert.NotEqual(reminderEtag, next);
    }

    [Fact]
    public async Task FlushAsync_CompletesAfterEarlierWritesAreStored_WhenWritesArePending()
    {
        var grains = Enumerable.Range(0, 20).Select(i => GrainId.Create("run", $"g{i}")).ToArray();
        var writes = grains.Select(grain => WriteAsync(grain, "flushed", null)).ToList();

        await Backend.FlushAsync(Ct);

        foreach (var grain in grains)
        {
            Assert.Equal("flushed", (await ReadAsync(grain, "state"))?.Payload);
        }

        await Backend.PingAsync(Ct);
        await Task.WhenAll(writes);
    }

    [Fact]
    public async Task WriteAsync_AppendsJournalWithState_AndReadJournalPagesInOrder()
    {
        var etag = await WriteStateAsync(Run1, "state", "v1", null, journal: [new(1, "e1"), new(2, "e2")]);
        await WriteStateAsync(Run1, "state", "v2", etag, journal: [new(3, "e3")]);
        await ReopenBackendAsync();

        Assert.Equal([new JournalEntry(1, "e1"), new JournalEntry(2, "e2"), new JournalEntry(3, "e3")],
            await Backend.Queries.ReadJournalAsync(Run1, 0, 10, Ct));
        Assert.Equal([new JournalEntry(3, "e3")], await Backend.Queries.ReadJournalAsync(Run1, 2, 10, Ct));
        Assert.Equal([new JournalEntry(2, "e2")], await Backend.Queries.ReadJournalAsync(Run1, 1, 1, Ct));
        Assert.Empty(await Backend.Queries.ReadJournalAsync(GrainId.Create("run", "other"), 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_AppendsEveryEntryOfALongJournal_InOneWrite()
    {
        // More entries than one statement carries, and a payload with quotes and text beyond ASCII.
        JournalEntry[] first = [.. Enumerable.Range(1, 70).Select(seq => new JournalEntry(seq, $"{{\"seq\":{seq},\"note\":\"it's ü\"}}"))];
        JournalEntry[] second = [.. Enumerable.Range(71, 33).Select(seq => new JournalEntry(seq, $"e{seq}"))];
        var etag = await WriteStateAsync(Run1, "state", "v1", null, journal: first);
        await WriteStateAsync(Run1, "state", "v2", etag, journal: second);
        await ReopenBackendAsync();

        Assert.Equal([.. first, .. second], await Backend.Queries.ReadJournalAsync(Run1, 0, 200, Ct));
        // Pages that start and end inside one write's entries.
        Assert.Equal(first[35..45], await Backend.Queries.ReadJournalAsync(Run1, 35, 10, Ct));
        Assert.Equal([.. first[65..], .. second[..5]], await Backend.Queries.ReadJournalAsync(Run1, 65, 10, Ct));
        Assert.Equal(second[32..], await Backend.Queries.ReadJournalAsync(Run1, 102, 10, Ct));
        Assert.Empty(await Backend.Queries.ReadJournalAsync(Run1, 103, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_KeepsTheLaterEntriesOfAWrite_WhenTheJournalIsTrimmedInsideIt()
    {
        JournalEntry[] first = [.. Enumerable.Range(1, 10).Select(seq => new JournalEntry(seq, $"e{seq}"))];
        var etag = await WriteStateAsync(Run1, "state", "v1", null, journal: first);
        await WriteStateAsync(Run1, "state", "v2", etag, journal: [new(11, "e11"), new(12, "e12")], journalKeepsFrom: 7);
        await ReopenBackendAsync();

        Assert.Equal([.. first[6..], new(11, "e11"), new(12, "e12")], await Backend.Queries.ReadJournalAsync(Run1, 0, 100, Ct));
        Assert.Equal([new JournalEntry(9, "e9")], await Backend.Queries.ReadJournalAsync(Run1, 8, 1, Ct));
    }

    [Fact]
    public async Task WriteAsync_AppendsNoJournal_WhenEtagConflicts_AndClearRemovesIt()
    {
        var etag = await WriteStateAsync(Run1, "state", "v1", null, journal: [new(1, "e1")]);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            WriteStateAsync(Run1, "state", "stale", "999999", journal: [new(2, "lost")]));
        Assert.Equal([new JournalEntry(1, "e1")], await Backend.Queries.ReadJournalAsync(Run1, 0, 10, Ct));

        await ClearAsync(Run1, etag);
        Assert.Empty(await Backend.Queries.ReadJournalAsync(Run1, 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_DeletesOlderJournalEntries_WhenTheStateKeepsOnlyRecentOnes()
    {
        var etag = await WriteStateAsync(Run1, "state", "v1", null, journal: [new(10, "e10"), new(20, "e20")]);
        etag = await WriteStateAsync(Run1, "state", "v2", etag, journal: [new(30, "e30")], journalKeepsFrom: 20);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            WriteStateAsync(Run1, "state", "stale", "999999", journal: [new(40, "lost")], journalKeepsFrom: 40));
        await ReopenBackendAsync();

        Assert.Equal([new JournalEntry(20, "e20"), new JournalEntry(30, "e30")], await Backend.Queries.ReadJournalAsync(Run1, 0, 10, Ct));
        await WriteStateAsync(Run1, "state", "v3", etag, journalKeepsFrom: 31);
        Assert.Empty(await Backend.Queries.ReadJournalAsync(Run1, 0, 10, Ct));
    }

    protected async Task ReopenBackendAsync() => _backend = await ReopenAsync(Backend);

    protected Task<string> WriteAsync(GrainId grain, string payload, string? etag, params ViewRow[] views) =>
        WriteStateAsync(grain, "state", payload, etag, views.Length == 0 ? null : views);

    /// <summary>Writes through Orleans' provider interface, as a grain's persistent state would; returns the new ETag.</summary>
    protected async Task<string> WriteStateAsync(
        GrainId grain, string stateName, string payload, string? etag, IReadOnlyList<ViewRow>? views = null, IReadOnlyList<JournalEntry>? journal = null,
        long journalKeepsFrom = long.MinValue)
    {
        var state = new ContractState { Payload = payload, Views = views, Journal = journal ?? [], JournalKeepsFrom = journalKeepsFrom };
        var grainState = new GrainState<ContractState>(state, etag) { RecordExists = etag is not null };
        await Backend.Grains.WriteStateAsync(stateName, grain, grainState);
        Assert.True(grainState.RecordExists);
        Assert.Empty(state.PendingJournal);
        return grainState.ETag!;
    }

    /// <summary>Reads through Orleans' provider interface; null when no record exists.</summary>
    protected async Task<Stored?> ReadAsync(GrainId grain, string stateName = "state")
    {
        var grainState = new GrainState<ContractState>(new ContractState { Payload = "left over" }, "stale");
        await Backend.Grains.ReadStateAsync(stateName, grain, grainState);
        if (!grainState.RecordExists)
        {
            Assert.Null(grainState.ETag);
            Assert.Equal("", grainState.State!.Payload);
            return null;
        }

        return new Stored(grainState.State!.Payload, grainState.ETag!);
    }

    protected async Task ClearAsync(GrainId grain, string? etag)
    {
        var grainState = new GrainState<ContractState>(new ContractState { Payload = "cleared" }, etag) { RecordExists = etag is not null };
        await Backend.Grains.ClearStateAsync("state", grain, grainState);
        Assert.False(grainState.RecordExists);
        Assert.Null(grainState.ETag);
        Assert.Equal("", grainState.State!.Payload);
    }

    private Task<ViewPage> QueryAsync(ViewQuery query) => Backend.Queries.QueryViewAsync(query, Ct);

    private async Task SeedRunsViewAsync()
    {
        (string Key, string Workflow, string Status)[] runs =
            [("r1", "wf-a", "running"), ("r2", "wf-a", "done"), ("r3", "wf-b", "running"), ("r4", "wf-a", "running"), ("r5", "wf-b", "done")];
        for (var i = 0; i < runs.Length; i++)
        {
            var (key, workflow, status) = runs[i];
            await WriteAsync(GrainId.Create("run", key), "{}", null, Row("runs", workflow, status, T0.AddMinutes(i + 1)));
        }
    }

    private static ViewRow Row(string view, string key1, string key2, DateTimeOffset sortAt, string payload = "{}") =>
        new(view, key1, key2, sortAt, payload);

    private static ReminderEntry Reminder(GrainId grain, string name, DateTimeOffset startAt, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = startAt.UtcDateTime, Period = period };

    private static List<string> Keys(ViewPage page) => page.Rows.Select(row => row.GrainKey).ToList();
}
