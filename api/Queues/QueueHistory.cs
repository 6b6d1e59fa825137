using Orchestrator.History;

namespace Orchestrator.Api.Queues;

/// <summary><c>GET /api/queues/{name}/history</c>: the queue's samples since <paramref name="Since"/>, oldest first.</summary>
public sealed record QueueHistory(string Queue, DateTimeOffset Since, IReadOnlyList<QueueSample> Items);
