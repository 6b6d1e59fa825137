using Orchestrator.Tasks;

namespace Orchestrator.Api.Tasks;

/// <summary>Live workers: those that claimed or sent a heartbeat in the last minute, or hold a task.</summary>
public sealed record WorkerList(IReadOnlyList<WorkerSummary> Items);
