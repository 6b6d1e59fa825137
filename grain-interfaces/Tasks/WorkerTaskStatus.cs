using System.Text.Json.Serialization;

namespace Orchestrator.Tasks;

/// <summary>Where a task stands on its queue: <c>pending</c> (ready, waiting for a worker) or <c>claimed</c> (in a
/// worker's hands). A task that ended has left its queue.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkerTaskStatus>))]
public enum WorkerTaskStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("claimed")]
    Claimed,
}
