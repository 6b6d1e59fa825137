using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Runs.Engine;

/// <summary>Persisted state of one element of a forEach node.</summary>
public sealed class ItemRunState
{
    public NodeStatus Status { get; set => Change(ref field, value); } = NodeStatus.Pending;

    public int Attempts { get; set => Change(ref field, value); }

    public JsonNode? Item { get; set => Change(ref field, value); }

    public JsonNode? Output { get; set => Change(ref field, value); }

    public string? Error { get; set => Change(ref field, value); }

    public DateTimeOffset? NextAttemptAt { get; set => Change(ref field, value); }

    /// <summary>While the element runs a durable <c>delay</c>: when it ends (see <see cref="EngineOptions.DurableDelayFrom"/>).</summary>
    public DateTimeOffset? WaitsUntil { get; set => Change(ref field, value); }

    public string? SubRunId { get; set => Change(ref field, value); }

    /// <summary>What the element's latest attempt recorded of its progress; null when none did.</summary>
    public AttemptProgressState? Progress { get; set => Change(ref field, value); }

    /// <summary>The worker task a <c>worker</c> node waits for.</summary>
    public string? TaskId { get; set => Change(ref field, value); }

    /// <summary>True when the element changed since it was last stored (a new one has not been stored): its chunk of the
    /// run's state goes with the next write (see <see cref="RunState"/>).</summary>
    [JsonIgnore]
    public bool Changed { get; internal set; } = true;

    private void Change<T>(ref T field, T value)
    {
        field = value;
        Changed = true;
    }
}
