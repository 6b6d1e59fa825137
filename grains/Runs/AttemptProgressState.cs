using System.Text.Json.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>Persisted progress of a node (or forEach element): what its attempt <see cref="Attempt"/> of iteration
/// <see cref="Iteration"/> last recorded (see <see cref="NodeAttemptProgress"/>).</summary>
public sealed class AttemptProgressState
{
    public int Iteration { get; set; }

    public int Attempt { get; set; }

    public JsonObject Data { get; set; } = [];

    /// <summary>The attempt only waits on work done elsewhere: it holds no parallel-attempt slot, and resumes after a
    /// restart instead of being retried.</summary>
    public bool Waiting { get; set; }

    /// <summary>True when <paramref name="iteration"/>'s attempt <paramref name="attempt"/> is the one that recorded this
    /// and waits.</summary>
    public bool WaitingFor(int iteration, int attempt) => Waiting && Iteration == iteration && Attempt == attempt;
}
