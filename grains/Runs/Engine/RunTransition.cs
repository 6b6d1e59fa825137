namespace Orchestrator.Runs.Engine;

/// <summary>What one command did to a run: the new state, the events to append (numbered, in order), the effects to carry
/// out (in order) and the nodes whose state changed.</summary>
internal sealed record RunTransition
{
    /// <summary>The run after the command (the state given to <see cref="RunStateMachine.Apply"/>, changed in place).</summary>
    public required RunState State { get; init; }

    /// <summary>False when the command changed nothing (a stale result, a reminder with nothing due, cancelling a finished
    /// run): there is nothing to write.</summary>
    public bool Changed { get; init; }

    public IReadOnlyList<RunEvent> Events { get; init; } = [];

    public IReadOnlyList<RunEffect> Effects { get; init; } = [];

    /// <summary>Names of the nodes whose state changed, so that storage may write only those.</summary>
    public IReadOnlySet<string> ChangedNodes { get; init; } = new HashSet<string>();
}
