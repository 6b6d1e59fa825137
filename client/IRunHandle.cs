using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Client;

/// <summary>One run, through the grain client or over HTTP: the same operations either way.</summary>
public interface IRunHandle
{
    /// <summary>The run's id.</summary>
    string RunId { get; }

    /// <summary>The run as it is now.</summary>
    Task<RunSnapshot> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>The run once it has finished (completed, failed or cancelled); cancelling the token stops the wait.</summary>
    Task<RunSnapshot> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets <paramref name="name"/> in the run's state to <paramref name="data"/>; with no name, merges the
    /// properties of <paramref name="data"/> (an object) into the state.</summary>
    Task<RunSnapshot> SignalAsync(string? name, JsonNode? data, CancellationToken cancellationToken = default);

    /// <summary>Cancels the run (a no-op on a finished run).</summary>
    Task<RunSnapshot> CancelAsync(string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Pauses a running run.</summary>
    Task<RunSnapshot> PauseAsync(CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused run.</summary>
    Task<RunSnapshot> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>The run's events with a sequence number above <paramref name="after"/>: those already recorded, then the
    /// new ones as they happen, ending after the event that ends the run.</summary>
    IAsyncEnumerable<RunEvent> EventsAsync(long after = 0, CancellationToken cancellationToken = default);
}
