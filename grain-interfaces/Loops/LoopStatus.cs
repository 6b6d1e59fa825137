using System.Text.Json.Serialization;

namespace Orchestrator.Loops;

/// <summary>Where a loop is: <c>running</c>, <c>paused</c>, and at its end <c>stopped</c> (by a person or its run) or
/// <c>error</c> (stopped by its <c>onError: stop</c> policy).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LoopStatus>))]
public enum LoopStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("paused")]
    Paused,

    [JsonStringEnumMemberName("stopped")]
    Stopped,

    [JsonStringEnumMemberName("error")]
    Error,
}

/// <summary>Helpers on <see cref="LoopStatus"/>.</summary>
public static class LoopStatusExtensions
{
    private static readonly Dictionary<LoopStatus, string> Names =
        Enum.GetValues<LoopStatus>().ToDictionary(status => status, status => System.Text.Json.JsonSerializer.Serialize(status).Trim('"'));

    /// <summary>True for the end states, from which a loop never runs again.</summary>
    public static bool IsEnded(this LoopStatus status) => status is LoopStatus.Stopped or LoopStatus.Error;

    /// <summary>The status as written in JSON and views (<c>running</c>, …): its <see cref="JsonStringEnumMemberNameAttribute"/>.</summary>
    public static string Name(this LoopStatus status) => Names[status];
}
