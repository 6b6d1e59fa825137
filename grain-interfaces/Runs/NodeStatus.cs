using System.Text.Json.Serialization;

namespace Orchestrator.Runs;

/// <summary>Where a node of a run is: <c>pending → ready → running → completed | failed | cancelled</c>, plus
/// <c>retrying</c> (a failed attempt waits for its next one) and <c>skipped</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeStatus>))]
public enum NodeStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("ready")]
    Ready,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("retrying")]
    Retrying,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    [JsonStringEnumMemberName("skipped")]
    Skipped,
}
