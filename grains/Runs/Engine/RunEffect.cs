using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>Something the run's grain must do for a transition of the core. Each may be carried out again after a crash
/// (the grain replays nothing, but a duplicate activation or a retried write may), so each is idempotent where it lands:
/// attempts carry idempotency keys, sub-runs and loops ignore a start, stop or pause they already had, error records
/// are created once, reminders are named.</summary>
internal abstract record RunEffect
{
    /// <summary>When the grain carries the effect out, relative to the turn's write (by default after it).</summary>
    public virtual EffectTiming Timing => EffectTiming.AfterWrite;

    /// <summary>Arms (or moves) the one-shot reminder <see cref="Name"/> to fire after <see cref="Due"/>.</summary>
    public sealed record ArmReminder(string Name, TimeSpan Due) : RunEffect
    {
        public override EffectTiming Timing => EffectTiming.BesideWrite;
    }

    /// <summary>Removes the reminder <see cref="Name"/>.</summary>
    public sealed record DisarmReminder(string Name) : RunEffect;

    /// <summary>Runs one attempt of a node outside the grain's turns; its result comes back as
    /// <see cref="RunCommand.AttemptsFinished"/>.</summary>
    public sealed record LaunchAttempt(AttemptKey Key, NodeInvocation Invocation) : RunEffect;

    /// <summary>Cancels one attempt in flight (its result then says cancelled, and is ignored).</summary>
    public sealed record CancelAttempt(AttemptKey Key) : RunEffect;

    /// <summary>Cancels every attempt in flight: the run ended.</summary>
    public sealed record CancelAllAttempts : RunEffect;

    /// <summary>Creates the error record <see cref="ErrorId"/> for a node whose attempts ran out.</summary>
    public sealed record CreateErrorRecord(string ErrorId, NewErrorRecord Record) : RunEffect
    {
        public override EffectTiming Timing => EffectTiming.BeforeWrite;
    }

    /// <summary>Tells the error record <see cref="ErrorId"/> how the node it retried ended.</summary>
    public sealed record ReportRecovery(string ErrorId, bool Succeeded, string? Error) : RunEffect;

    /// <summary>Tells the parent run that this run (its sub-run) ended, with a snapshot taken once the end is written.</summary>
    public sealed record NotifyParent(string ParentRunId) : RunEffect;

    /// <summary>Cancels a sub-run of this run.</summary>
    public sealed record CancelSubRun(string SubRunId, string Reason) : RunEffect;

    /// <summary>Cancels the worker task <see cref="TaskId"/>: a pending one leaves its queue, a claimed one's worker learns it.</summary>
    public sealed record CancelWorkerTask(string TaskId, string Reason) : RunEffect;

    /// <summary>After a restart: asks the queue of the worker task an attempt waits for whether it still holds it (which also
    /// arms its deadlines); a task it no longer holds is reported lost to the run.</summary>
    public sealed record CheckWorkerTask(string TaskId, AttemptKey Key) : RunEffect;

    /// <summary>Starts the run's loops (or finds them started, which activates and so resumes them).</summary>
    public sealed record StartLoops(IReadOnlyList<StartLoop> Loops) : RunEffect;

    /// <summary>Pauses the loops named by <see cref="LoopIds"/>.</summary>
    public sealed record PauseLoops(IReadOnlyList<string> LoopIds, string Reason) : RunEffect;

    /// <summary>Resumes the loops named by <see cref="LoopIds"/>.</summary>
    public sealed record ResumeLoops(IReadOnlyList<string> LoopIds) : RunEffect;

    /// <summary>Stops the loops named by <see cref="LoopIds"/> for good.</summary>
    public sealed record StopLoops(IReadOnlyList<string> LoopIds, string Reason) : RunEffect;
}

/// <summary>When a run's grain carries out an effect, relative to the write of the turn that asked for it. A reminder or
/// an error record that exists without the state that asked for it is harmless (the reminder finds nothing due, the
/// record is created again the same); the other effects must not be seen before the state is durable.</summary>
internal enum EffectTiming
{
    /// <summary>Once the state is written.</summary>
    AfterWrite,

    /// <summary>Before the write starts (an error record the written state refers to).</summary>
    BeforeWrite,

    /// <summary>While the state is written, both awaited before the turn goes on (a reminder's registration, in the same
    /// group commit as a rule). A crash between the two commits leaves the state without its reminder only until the run
    /// is activated again, which a silo's start or a survivor's sweep does for every running run, and the activation
    /// arms the reminders the state counts on.</summary>
    BesideWrite,
}
