namespace Orchestrator.History;

/// <summary>A queue's counters at one sampling time (see <see cref="HistoryDefaults"/>).</summary>
/// <param name="At">When the sample was taken (the start of its slot).</param>
/// <param name="Depth">Messages stored that some consumer has not handled yet.</param>
/// <param name="Lag">The largest lag of its consumers (0 when none reads it).</param>
/// <param name="Produced">Messages ever pushed.</param>
/// <param name="Consumed">Messages handled, summed over consumers.</param>
/// <param name="DeadLettered">Messages a consumer gave up on.</param>
public sealed record QueueSample(DateTimeOffset At, long Depth, long Lag, long Produced, long Consumed, long DeadLettered);
