using Orchestrator.Loops;

namespace Orchestrator.Api.Loops;

/// <summary>Lines of a loop's log, oldest first.</summary>
public sealed record LoopLogList(IReadOnlyList<LoopLogEntry> Items);
