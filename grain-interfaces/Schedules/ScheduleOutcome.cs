using System.Text.Json.Serialization;

namespace Orchestrator.Schedules;

/// <summary>What one fire of a schedule did.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleOutcome>))]
public enum ScheduleOutcome
{
    /// <summary>A run was started (<see cref="ScheduleExecution.RunId"/>).</summary>
    [JsonStringEnumMemberName("started")]
    Started,

    /// <summary>Kept by the <c>bufferOne</c> overlap policy until the previous run finishes.</summary>
    [JsonStringEnumMemberName("buffered")]
    Buffered,

    /// <summary>Skipped because the previous run was still going.</summary>
    [JsonStringEnumMemberName("skipped_overlap")]
    SkippedOverlap,

    /// <summary>Skipped because it fell due while the schedule could not fire (the misfire policy).</summary>
    [JsonStringEnumMemberName("skipped_misfire")]
    SkippedMisfire,

    /// <summary>Dropped because the schedule was disabled, updated or deleted before it could start.</summary>
    [JsonStringEnumMemberName("skipped_disabled")]
    SkippedDisabled,

    /// <summary>The run could not be started (the workflow does not exist or is retired); see the reason.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
