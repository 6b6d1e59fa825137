using System.Text.Json.Nodes;

namespace Orchestrator.Loops.Engine;

/// <summary>Something the loop's grain must do for a transition of <see cref="LoopLifecycle"/>, in the order given. Each
/// is harmless when carried out again (a duplicate activation, a retried call): the runner ignores a pause, resume or
/// stop it had, the queue store removes a consumer that is gone without complaint, the run ignores a loop that ended
/// twice.</summary>
internal abstract record LoopEffect
{
    /// <summary>Writes the loop's state with its live counters and queue position; with <see cref="OnlyIfChanged"/>, only
    /// when the counters changed since the last write.</summary>
    public sealed record WriteState(bool OnlyIfChanged = false) : LoopEffect;

    /// <summary>Makes the runner from the definition and starts it (<see cref="Paused"/>: with its gate closed), numbering
    /// iterations above <see cref="NumberAbove"/> (numbers up to it may have been handed out before a crash). Should that
    /// fail, the grain applies <see cref="LoopCommand.RunnerFailedToStart"/>.</summary>
    public sealed record StartRunner(bool Paused, long NumberAbove) : LoopEffect;

    /// <summary>Closes the runner's gate: the iteration under way finishes, no other starts.</summary>
    public sealed record PauseRunner : LoopEffect;

    /// <summary>Opens the runner's gate.</summary>
    public sealed record ResumeRunner : LoopEffect;

    /// <summary>Stops the runner (its producer, the work under way) and lets it wind down outside the turn.</summary>
    public sealed record StopRunner : LoopEffect;

    /// <summary>Has the runner run <see cref="Node"/> again with <see cref="Input"/>, then the rest of the chain, and tell
    /// the error record <see cref="ErrorId"/> how it went.</summary>
    public sealed record RetryOnRunner(string Node, long Iteration, JsonNode? Input, string ErrorId) : LoopEffect;

    /// <summary>Removes the loop's durable consumer <see cref="Consumer"/> of <see cref="Queue"/>, so that its undrained
    /// messages no longer count against the queue's capacity. The grain removes it in the turn and again once the runner
    /// has wound down (a delivery still winding down may register it again).</summary>
    public sealed record RemoveQueueConsumer(string Queue, string Consumer) : LoopEffect;

    /// <summary>Tells run <see cref="RunId"/> that its loop <see cref="Loop"/> ended (after the runner wound down).</summary>
    public sealed record NotifyRunEnded(string RunId, string Loop, LoopStatus Status, string Reason) : LoopEffect;

    /// <summary>A line for the loop's log (<see cref="Level"/>: <c>info</c>, <c>warning</c> or <c>error</c>).</summary>
    public sealed record Log(string Level, string Message, string? Node = null, long? Iteration = null) : LoopEffect;
}
