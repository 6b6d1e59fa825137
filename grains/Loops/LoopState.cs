using System.Text.Json;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Loops;

/// <summary>Persisted state of a loop: what it is, where it is, and its counters as of the last checkpoint. A loop
/// started from a queue also keeps which messages it handled, so that a message delivered again is dropped.</summary>
public sealed class LoopState : IQueryViewSource
{
    /// <summary>The query view listing loops by run (key1) and state (key2), newest first.</summary>
    public const string LoopsView = "loops";

    public string? Id { get; set; }

    public string RunId { get; set; } = "";

    public string Workflow { get; set; } = "";

    public int Version { get; set; }

    public string Loop { get; set; } = "";

    public string Pool { get; set; } = "";

    public string Producer { get; set; } = "";

    /// <summary>The queue a <c>queue</c> producer reads.</summary>
    public string? Queue { get; set; }

    /// <summary>The cap on unfinished non-blocking work in effect.</summary>
    public int MaxInFlight { get; set; }

    public LoopStatus Status { get; set; } = LoopStatus.Pending;

    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>How many times the loop's runner started (it rises on every activation that runs the loop), so that
    /// iterations counted again after a crash still get new names.</summary>
    public long Epoch { get; set; }

    /// <summary>Iteration numbers up to this one may have been handed out; after a restart numbering goes on above it.</summary>
    public long ReservedIterations { get; set; }

    public LoopCounterState Counters { get; set; } = new();

    /// <summary>A queue producer: the sequence of the last message handled.</summary>
    public long LastSequence { get; set; }

    /// <summary>A queue producer: ids of the messages handled last (a bounded window), oldest first.</summary>
    public List<string> RecentMessageIds { get; set; } = [];

    /// <summary>The loop's latest log lines as of the last checkpoint (at most <c>LoopLog.Kept</c>), oldest first.</summary>
    public List<LoopLogEntry> RecentLog { get; set; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Exists => Id is not null;

    public IReadOnlyList<ViewRow> GetViewRows(GrainId grainId)
    {
        var summary = new LoopSummary(Id ?? grainId.Key.ToString(), RunId, Workflow, Loop, Status, CreatedAt, StoppedAt, Reason);
        return [new ViewRow(LoopsView, RunId, Status.Name(), CreatedAt, JsonSerializer.Serialize(summary, JsonSerializerOptions.Web))];
    }
}
