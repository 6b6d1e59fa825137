using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Faults;

/// <summary>A storage backend whose grain states (with their journals and views), reminders, queues and audit records
/// go through <see cref="StorageFaults"/>.
/// Opening, closing, flushing and the health ping are left alone: the injector spoils the work, not the silo's life
/// cycle.</summary>
public sealed partial class FaultInjectingBackend : IStorageBackend
{
    private readonly IStorageBackend _inner;
    private readonly ILogger? _logger;

    /// <summary>Wraps <paramref name="inner"/>; it is disposed with this, and what was injected is logged to
    /// <paramref name="logger"/> then.</summary>
    public FaultInjectingBackend(IStorageBackend inner, StorageFaults faults, ILogger? logger = null)
    {
        _logger = logger;
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(faults);
        _inner = inner;
        Faults = faults;
        // Below the JSON layer, so that what it does about a lost answer is what the faults exercise.
        var states = inner.Grains as JsonGrainStorage
            ?? throw new ArgumentException($"The {inner.Name} backend's grain storage is not one faults can be injected under.", nameof(inner));
        var grains = new JsonGrainStorage(new FaultInjectingStateStore(states.Store, faults), states.Json);
        Grains = grains;
        Queries = grains;
        Reminders = new FaultInjectingReminderTable(inner.Reminders, faults);
        Queues = new FaultInjectingQueueStore(inner.Queues, faults);
        Audit = new FaultInjectingAuditStore(inner.Audit, faults);
    }

    /// <summary>What the injector did so far.</summary>
    public StorageFaults Faults { get; }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public IGrainStorage Grains { get; }

    /// <inheritdoc/>
    public IGrainStateQueries Queries { get; }

    /// <inheritdoc/>
    public IReminderTable Reminders { get; }

    /// <inheritdoc/>
    public IQueueStore Queues { get; }

    /// <inheritdoc/>
    public IAuditStore Audit { get; }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => _inner.InitializeAsync(cancellationToken);

    /// <inheritdoc/>
    public Task PingAsync(CancellationToken cancellationToken) => _inner.PingAsync(cancellationToken);

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_logger is not null)
        {
            LogInjected(_logger, Faults.Calls, Faults.FailedBefore, Faults.FailedAfter, Faults.Delayed);
        }

        return _inner.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage faults injected: {Calls} calls, {FailedBefore} failed before the store, {FailedAfter} failed after it, {Delayed} delayed")]
    private static partial void LogInjected(ILogger logger, long calls, long failedBefore, long failedAfter, long delayed);

    private sealed class FaultInjectingStateStore(IStateStore inner, StorageFaults faults) : IStateStore
    {
        public Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading {stateName} of {grain}", () => inner.ReadAsync(grain, stateName, cancellationToken));

        public Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading the parts of {stateName} of {grain}", () => inner.ReadPartsAsync(grain, stateName, cancellationToken));

        public Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"writing {write.StateName} of {write.Grain}", () => inner.WriteAsync(write, cancellationToken));

        public Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"clearing {stateName} of {grain}", () => inner.ClearAsync(grain, stateName, expectedEtag, cancellationToken));

        public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading the journal of {grain}", () => inner.ReadJournalAsync(grain, afterSequence, maxCount, cancellationToken));

        public Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken) =>
            faults.ReadAsync($"querying view {query.View}", () => inner.QueryViewAsync(query, cancellationToken));

        public Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken) =>
            faults.ReadAsync($"counting view {query.View}", () => inner.CountViewAsync(query, cancellationToken));
    }

    private sealed class FaultInjectingReminderTable(IReminderTable inner, StorageFaults faults) : IReminderTable
    {
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public Task<ReminderTableData> ReadRows(GrainId grainId) =>
            faults.ReadAsync($"reading the reminders of {grainId}", () => inner.ReadRows(grainId));

        public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
            faults.ReadAsync("reading a range of reminders", () => inner.ReadRows(begin, end));

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
            faults.ReadAsync($"reading reminder {reminderName} of {grainId}", () => inner.ReadRow(grainId, reminderName));

        public Task<string?> UpsertRow(ReminderEntry entry) =>
            faults.ChangeAsync($"writing reminder {entry.ReminderName} of {entry.GrainId}", () => inner.UpsertRow(entry));

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
            faults.ChangeAsync($"removing reminder {reminderName} of {grainId}", () => inner.RemoveRow(grainId, reminderName, eTag));

        public Task TestOnlyClearTable() => inner.TestOnlyClearTable();
    }

    private sealed class FaultInjectingAuditStore(IAuditStore inner, StorageFaults faults) : IAuditStore
    {
        public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"appending audit record {record.Id}", () => inner.AppendAsync(record, cancellationToken));

        public Task<AuditPage> ListAsync(int limit, ViewCursor? after, CancellationToken cancellationToken) =>
            faults.ReadAsync("listing audit records", () => inner.ListAsync(limit, after, cancellationToken));
    }

    private sealed class FaultInjectingQueueStore(IQueueStore inner, StorageFaults faults) : IQueueStore
    {
        public Task<long?> AppendAsync(StreamId queue, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"appending to queue {queue}", () => inner.AppendAsync(queue, payload, capacity, enqueuedAt, cancellationToken));

        public Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId queue, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading queue {queue}", () => inner.ReadAsync(queue, afterSequence, maxCount, cancellationToken));

        public Task<QueueConsumer> RegisterConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"registering consumer {consumer} of queue {queue}", () => inner.RegisterConsumerAsync(queue, consumer, cancellationToken));

        public Task AcknowledgeAsync(StreamId queue, string consumer, long sequence, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"acknowledging {sequence} of queue {queue} for {consumer}", () => inner.AcknowledgeAsync(queue, consumer, sequence, cancellationToken));

        public Task<int> RecordFailureAsync(StreamId queue, string consumer, string error, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"recording a failure of queue {queue} for {consumer}", () => inner.RecordFailureAsync(queue, consumer, error, cancellationToken));

        public Task DeadLetterAsync(StreamId queue, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"dead-lettering {item.Sequence} of queue {queue}", () => inner.DeadLetterAsync(queue, consumer, item, error, attempts, deadLetteredAt, cancellationToken));

        public Task RemoveConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken) =>
            faults.ChangeAsync($"removing consumer {consumer} of queue {queue}", () => inner.RemoveConsumerAsync(queue, consumer, cancellationToken));

        public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken) =>
            faults.ReadAsync("listing queue consumers", () => inner.ListConsumersAsync(streamNamespace, cancellationToken));

        public Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken) =>
            faults.ReadAsync("listing queues", () => inner.ListQueuesAsync(streamNamespace, cancellationToken));

        public Task<QueueStats> GetStatsAsync(StreamId queue, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading the counters of queue {queue}", () => inner.GetStatsAsync(queue, cancellationToken));

        public Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId queue, int maxCount, CancellationToken cancellationToken) =>
            faults.ReadAsync($"reading the dead letters of queue {queue}", () => inner.ReadDeadLettersAsync(queue, maxCount, cancellationToken));
    }
}
