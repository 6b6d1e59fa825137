using System.Text.Json.Serialization;

namespace Orchestrator.Loops;

/// <summary>The health of one node of a loop: <c>healthy</c> after a success (or before its first run), <c>retrying</c>
/// while a failed attempt waits for its retry, <c>failing</c> once its attempts ran out, until it succeeds again.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeHealth>))]
public enum NodeHealth
{
    [JsonStringEnumMemberName("healthy")]
    Healthy,

    [JsonStringEnumMemberName("retrying")]
    Retrying,

    [JsonStringEnumMemberName("failing")]
    Failing,
}
