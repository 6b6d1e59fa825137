using System.Text.Json.Nodes;

namespace Orchestrator.Runs;

/// <summary>One node of a run as seen from outside.</summary>
public sealed record NodeSnapshot
{
    public NodeStatus Status { get; init; }

    /// <summary>Attempts started for the node's current iteration.</summary>
    public int Attempts { get; init; }

    /// <summary>How many times the node has completed (graph mode counts cycles).</summary>
    public int Iterations { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a retrying node's next attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When a running <c>delay</c> node that waits on a durable reminder ends.</summary>
    public DateTimeOffset? WaitsUntil { get; init; }

    public JsonNode? Output { get; init; }

    public string? Error { get; init; }

    /// <summary>A forEach node's elements counted by state (<c>{"completed": 3, "running": 1}</c>); null for other nodes
    /// and before the node's list is known.</summary>
    public IReadOnlyDictionary<string, int>? Items { get; init; }

    /// <summary>What the node's latest attempt recorded of its progress (an <c>agent</c> node's <c>{threadId, status}</c>,
    /// a <c>job</c> node's <c>{jobId, status}</c>); null when it recorded none.</summary>
    public JsonObject? Progress { get; init; }

    /// <summary>A forEach node's elements' progress, by element index (null for an element that recorded none); null when
    /// no element recorded any.</summary>
    public IReadOnlyList<JsonObject?>? ItemProgress { get; init; }
    /// <summary>A <c>worker</c> node: what its worker last reported with a heartbeat (for a forEach node, the latest
    /// report of any element); null before any report.</summary>
    public Tasks.WorkerTaskProgress? Task { get; init; }
}
