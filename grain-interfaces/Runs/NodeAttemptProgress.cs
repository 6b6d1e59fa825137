using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>What a running node attempt has got to (an agent's thread, a submitted job's id), reported to its run so
/// that it is stored before the attempt goes on.</summary>
[Immutable]
public sealed record NodeAttemptProgress
{
    public required string Node { get; init; }

    public int Iteration { get; init; }

    public int Attempt { get; init; }

    /// <summary>For forEach nodes: the element's index; null otherwise.</summary>
    public int? ItemIndex { get; init; }

    /// <summary>The progress itself (<c>{threadId, status}</c>, <c>{jobId, status}</c>); it replaces what the node held.</summary>
    public required JsonObject Data { get; init; }

    /// <summary>True when the attempt from now on only waits on work done elsewhere (a submitted job it polls): it holds
    /// no parallel-attempt slot, and after a silo restart the same attempt resumes from this progress.</summary>
    public bool Waiting { get; init; }
}
