using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Runs;

namespace Orchestrator.Loops.Engine;

/// <summary>What a loop is asked to do, or told has happened: the input of <see cref="LoopLifecycle.Apply"/>. Each case
/// carries what the core needs to decide, and nothing it would have to fetch.</summary>
internal abstract record LoopCommand
{
    /// <summary>Creates the loop <see cref="LoopId"/> from its workflow's definition and starts its runner. A loop that
    /// exists is left as it is.</summary>
    public sealed record Start(string LoopId, StartLoop Loop, WorkflowDefinition Definition) : LoopCommand;

    /// <summary>A person or the run pauses the loop: no new iteration starts.</summary>
    public sealed record Pause(string? Reason) : LoopCommand;

    /// <summary>A paused loop goes on.</summary>
    public sealed record Resume : LoopCommand;

    /// <summary>A person or the run stops the loop for good.</summary>
    public sealed record Stop(string? Reason) : LoopCommand;

    /// <summary>The runner paused the loop (a node failed and <c>onError</c> is <c>pause</c>).</summary>
    public sealed record RunnerPaused(string? Reason) : LoopCommand;

    /// <summary>The runner ended: its producer has nothing more (<see cref="LoopStatus.Stopped"/>), or the producer failed
    /// or a node failed with <c>onError: stop</c> (<see cref="LoopStatus.Error"/>).</summary>
    public sealed record RunnerEnded(LoopStatus Status, string? Reason) : LoopCommand;

    /// <summary>The runner could not be made from the definition (a class that cannot be found, a bad time zone…).</summary>
    public sealed record RunnerFailedToStart(string Error) : LoopCommand;

    /// <summary>The runner asks for its counters and queue position to be written.</summary>
    public sealed record Checkpoint : LoopCommand;

    /// <summary>The runner reserves iteration numbers up to <see cref="UpTo"/>.</summary>
    public sealed record ReserveIterations(long UpTo) : LoopCommand;

    /// <summary>The loop's grain was activated after a stop (the silo restarted, the activation went idle); its run is
    /// <see cref="RunStatus"/> now.</summary>
    public sealed record Activated(RunStatus RunStatus) : LoopCommand;

    /// <summary>An error record retries <see cref="Node"/> with the data it failed on, then the rest of the chain.</summary>
    public sealed record RetryNode(string Node, long Iteration, JsonNode? Input, string ErrorId) : LoopCommand;

    /// <summary>The command for what the runner reports through <see cref="ILoopEngineGrain.CheckpointAsync"/>: a pause,
    /// an end, or else a checkpoint.</summary>
    public static LoopCommand FromRunner(LoopStatus? transition, string? reason) => transition switch
    {
        LoopStatus.Paused => new RunnerPaused(reason),
        LoopStatus.Stopped or LoopStatus.Error => new RunnerEnded(transition.Value, reason),
        _ => new Checkpoint(),
    };
}
