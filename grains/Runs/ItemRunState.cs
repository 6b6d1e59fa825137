using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>Persisted state of one element of a forEach node.</summary>
public sealed class ItemRunState
{
    public NodeStatus Status { get; set; } = NodeStatus.Pending;

    public int Attempts { get; set; }

    public JsonNode? Item { get; set; }

    public JsonNode? Output { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? SubRunId { get; set; }

    /// <summary>What the element's latest attempt recorded of its progress; null when none did.</summary>
    public AttemptProgressState? Progress { get; set; }

    /// <summary>The worker task a <c>worker</c> node waits for.</summary>
    public string? TaskId { get; set; }
}
