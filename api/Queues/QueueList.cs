using Orchestrator.Queues;

namespace Orchestrator.Api.Queues;

/// <summary>Every named queue with its counters, by name.</summary>
public sealed record QueueList(IReadOnlyList<QueueInfo> Items);
