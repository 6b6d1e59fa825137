using Orchestrator.History;

namespace Orchestrator.Api.Loops;

/// <summary><c>GET /api/loops/{id}/history</c>: the loop's samples since <paramref name="Since"/>, oldest first.</summary>
public sealed record LoopHistory(string Loop, DateTimeOffset Since, IReadOnlyList<LoopSample> Items);
