using Orchestrator.Loops;

namespace Orchestrator.History;

/// <summary>A loop's counters at one sampling time (see <see cref="HistoryDefaults"/>).</summary>
/// <param name="At">When the sample was taken (the start of its slot).</param>
/// <param name="State">The loop's state then.</param>
/// <param name="Iterations">Iterations started since the loop was created.</param>
/// <param name="IterationsPerSecond">Iterations per second over the loop's rate window then.</param>
/// <param name="Errors">Iterations in which a node failed after its retries.</param>
public sealed record LoopSample(DateTimeOffset At, LoopStatus State, long Iterations, double IterationsPerSecond, long Errors);
