using System.Text.Json.Nodes;
using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary>What a run is asked to do, or told has happened: the input of <see cref="RunStateMachine.Apply"/>. Each case
/// carries what the core needs to decide, and nothing it would have to fetch.</summary>
internal abstract record RunCommand
{
    /// <summary>Creates the run: its state (the definition's defaults under the input), its loops and its first nodes.</summary>
    public sealed record Start(string RunId, string Workflow, int Version, JsonNode? Input, string? IdempotencyKey, ParentLink? Parent, string? TriggeredBy = null, RunTrace? Trace = null) : RunCommand;

    /// <summary>Attempts finished: succeeded, failed (a timeout is a failure) or cancelled. Results that arrived together
    /// come in one command, so they are applied in one turn and one write.</summary>
    public sealed record AttemptsFinished(IReadOnlyList<NodeAttemptResult> Results) : RunCommand;

    /// <summary>A running attempt recorded its progress on its node.</summary>
    public sealed record AttemptProgressed(NodeAttemptProgress Progress) : RunCommand;

    /// <summary>A sub-run that a <c>workflow</c> node waits for has ended.</summary>
    public sealed record SubRunEnded(string ChildRunId, RunSnapshot Child) : RunCommand;

    /// <summary>A worker reported progress on the task of a <c>worker</c> node with a heartbeat.</summary>
    public sealed record TaskProgressed(Tasks.WorkerTaskProgress Progress) : RunCommand;

    /// <summary>A retry or delays reminder fired: durable delays that are due end, and retries whose time has come start
    /// (unless the run is paused).</summary>
    public sealed record RetriesDue : RunCommand;

    /// <summary>The run's own timeout fired: the run fails.</summary>
    public sealed record RunTimedOut : RunCommand;

    /// <summary>A signal: <see cref="Data"/> is stored under <see cref="Name"/>, or merged at the top level when the name is empty.</summary>
    public sealed record Signal(string Name, JsonNode? Data) : RunCommand;

    /// <summary>Nothing new starts and retries wait; running attempts finish.</summary>
    public sealed record Pause : RunCommand;

    /// <summary>A paused run goes on: retries that fell due meanwhile start.</summary>
    public sealed record Resume : RunCommand;

    /// <summary>The run ends as cancelled: attempts are cancelled, sub-runs and loops stopped.</summary>
    public sealed record Cancel(string Reason) : RunCommand;

    /// <summary>One of the run's loops ended; the run ends when its nodes are done and its last loop ended.</summary>
    public sealed record LoopEnded(string Loop, LoopStatus Status, string? Reason) : RunCommand;

    /// <summary>An error record retries a failed node: a fresh round of its retry policy, and the run continues from there.</summary>
    public sealed record RetryNode(string Node, string ErrorId) : RunCommand;

    /// <summary>The run was activated again after a stop: attempts that were running are retried; <see cref="SubRuns"/>
    /// holds what became of the sub-runs that waiting nodes name (null: the sub-run does not exist), see
    /// <see cref="RunStateMachine.SubRunsToCheck"/>.</summary>
    public sealed record Recover(IReadOnlyDictionary<string, RunSnapshot?> SubRuns) : RunCommand;
}
