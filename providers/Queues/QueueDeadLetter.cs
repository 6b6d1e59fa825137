namespace Orchestrator.Providers.Queues;

/// <summary>An item a consumer gave up on after repeated failures, with the last error.</summary>
public sealed record QueueDeadLetter(
    StreamId Queue,
    string Consumer,
    long Sequence,
    string Payload,
    DateTimeOffset EnqueuedAt,
    string Error,
    int Attempts,
    DateTimeOffset DeadLetteredAt);
