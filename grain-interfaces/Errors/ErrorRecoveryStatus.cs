using System.Text.Json.Serialization;

namespace Orchestrator.Errors;

/// <summary>Recovery status of an error record: <c>unresolved → retry_scheduled → retrying → resolved</c>, or
/// <c>ignored</c>, or <c>escalated</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErrorRecoveryStatus>))]
public enum ErrorRecoveryStatus
{
    [JsonStringEnumMemberName("unresolved")]
    Unresolved,

    [JsonStringEnumMemberName("retry_scheduled")]
    RetryScheduled,

    [JsonStringEnumMemberName("retrying")]
    Retrying,

    [JsonStringEnumMemberName("resolved")]
    Resolved,

    [JsonStringEnumMemberName("ignored")]
    Ignored,

    [JsonStringEnumMemberName("escalated")]
    Escalated,
}
