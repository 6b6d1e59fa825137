using Orchestrator.Definitions;
using Orchestrator.Nodes.Queues;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Queues;

/// <summary>Reads named queues straight from the durable stream store (namespace <see cref="QueueStreams.Namespace"/>).</summary>
internal sealed class QueueDirectory(IQueueStore store, StreamOptions options) : IQueueDirectory
{
    /// <summary>The most dead letters one read returns.</summary>
    public const int MaxDeadLetters = 1_000;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var streams = await store.ListQueuesAsync(QueueStreams.Namespace, cancellationToken);
        var queues = new List<QueueInfo>(streams.Count);
        foreach (var stream in streams)
        {
            queues.Add(ToInfo(await store.GetStatsAsync(stream, cancellationToken)));
        }

        return queues;
    }

    /// <inheritdoc/>
    public async Task<QueueInfo?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var stats = await store.GetStatsAsync(StreamOf(name), cancellationToken);
        return stats.Produced == 0 && stats.Consumers.Count == 0 ? null : ToInfo(stats);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueDeadLetter>> GetDeadLettersAsync(string name, int limit, CancellationToken cancellationToken)
    {
        var stream = StreamOf(name);
        if (limit is < 1 or > MaxDeadLetters)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be from 1 to {MaxDeadLetters}");
        }

        var deadLetters = await store.ReadDeadLettersAsync(stream, limit, cancellationToken);
        return [.. deadLetters.Select(d => new QueueDeadLetter(d.Consumer, d.Sequence, d.Payload, d.Error, d.Attempts, d.EnqueuedAt, d.DeadLetteredAt))];
    }

    private static StreamId StreamOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!DefinitionNames.IsWorkflowName(name))
        {
            throw new ArgumentException($"'{name}' is not a queue name: it {DefinitionNames.WorkflowNameRule}", nameof(name));
        }

        return QueueStreams.For(name);
    }

    private QueueInfo ToInfo(QueueStats stats) => new()
    {
        Name = stats.Queue.GetKeyAsString(),
        Depth = stats.Depth,
        Produced = stats.Produced,
        Consumed = stats.Consumers.Sum(c => c.Offset),
        DeadLettered = stats.DeadLettered,
        Capacity = options.Capacity,
        Consumers = [.. stats.Consumers.Select(c => new QueueConsumerInfo(c.Consumer, c.Offset, stats.Produced - c.Offset, c.Failures, c.LastError))],
    };
}
