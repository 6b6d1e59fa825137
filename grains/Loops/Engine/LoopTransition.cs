namespace Orchestrator.Loops.Engine;

/// <summary>What one command did to a loop: the state after it (the state given to <see cref="LoopLifecycle.Apply"/>,
/// changed in place) and the effects to carry out, in order; none when the command changed nothing (stopping an ended
/// loop, pausing a paused one).</summary>
internal sealed record LoopTransition(LoopState State, IReadOnlyList<LoopEffect> Effects);
