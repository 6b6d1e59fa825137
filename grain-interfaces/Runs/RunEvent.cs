using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>One entry of a run's event log: ordered by <see cref="Seq"/> (1, 2, …), persisted before it is published.</summary>
[Immutable]
public sealed record RunEvent
{
    public long Seq { get; init; }

    /// <summary>One of <see cref="RunEventTypes"/>.</summary>
    public required string Type { get; init; }

    public required string RunId { get; init; }

    public string? Node { get; init; }

    public int? Iteration { get; init; }

    public int? Attempt { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public JsonNode? Data { get; init; }
}
