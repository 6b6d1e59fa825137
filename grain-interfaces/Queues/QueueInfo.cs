namespace Orchestrator.Queues;

/// <summary>Counters of a named queue.</summary>
public sealed record QueueInfo
{
    public required string Name { get; init; }

    /// <summary>Messages stored that some consumer has not handled yet.</summary>
    public long Depth { get; init; }

    /// <summary>Messages ever pushed.</summary>
    public long Produced { get; init; }

    /// <summary>Messages handled, summed over consumers (each consumer handles every message).</summary>
    public long Consumed { get; init; }

    /// <summary>Messages a consumer gave up on after repeated delivery failures.</summary>
    public long DeadLettered { get; init; }

    /// <summary>The most messages the queue holds before a push waits (the silo's queue capacity).</summary>
    public int Capacity { get; init; }

    /// <summary>Each consumer (a loop reading the queue) and how far it got.</summary>
    public IReadOnlyList<QueueConsumerInfo> Consumers { get; init; } = [];
}

/// <summary>One consumer of a queue.</summary>
/// <param name="Consumer">The consumer's name: <c>loop:{loopId}</c> for a loop.</param>
/// <param name="Offset">The last message it handled (by sequence).</param>
/// <param name="Lag">Messages pushed that it has not handled yet.</param>
/// <param name="Failures">Failed deliveries of its next message.</param>
/// <param name="LastError">The last delivery error.</param>
public sealed record QueueConsumerInfo(string Consumer, long Offset, long Lag, int Failures, string? LastError);

/// <summary>A message a consumer gave up on.</summary>
public sealed record QueueDeadLetter(string Consumer, long Sequence, string Payload, string Error, int Attempts, DateTimeOffset EnqueuedAt, DateTimeOffset DeadLetteredAt);
