using Orchestrator.Queues;

namespace Orchestrator.Api.Queues;

/// <summary>A queue's dead letters, oldest first.</summary>
public sealed record QueueDeadLetterList(IReadOnlyList<QueueDeadLetter> Items);
