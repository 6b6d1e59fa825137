using Orchestrator.Tasks;

namespace Orchestrator.Api.Tasks;

/// <summary>Task queues with their pending and claimed tasks, by name.</summary>
public sealed record TaskQueueList(IReadOnlyList<TaskQueueSnapshot> Items);
