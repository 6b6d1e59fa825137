namespace Orchestrator.Runs.Engine;

/// <summary>How a run decides which node comes next: <see cref="DagScheduling"/> (nodes wait for their dependencies and
/// run in parallel) or <see cref="GraphScheduling"/> (one node at a time, edges taken by condition). Everything else —
/// attempts, forEach, retries, timeouts, <c>onFailure</c>, the run's end — is the same for both.</summary>
internal interface ISchedulingStrategy
{
    /// <summary>The run starts: the first nodes become ready.</summary>
    void Begin(RunTurn turn);

    /// <summary>Before attempts are launched: nodes whose turn has come become ready.</summary>
    void Promote(RunTurn turn);

    /// <summary>After attempts were launched: ends the run if its nodes are all done.</summary>
    void CompleteIfDone(RunTurn turn);

    /// <summary><paramref name="node"/> completed, or failed with <c>onFailure: continue</c>: the run moves on from it.</summary>
    void Settled(RunTurn turn, string node);

    /// <summary>True when the run's nodes have nothing left to do (its loops may still run).</summary>
    bool NodesDone(RunState run);

    /// <summary>A failed run goes on because an error record retries <paramref name="node"/>.</summary>
    void Reopen(RunTurn turn, string node);
}
