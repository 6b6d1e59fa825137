using System.Text.Json.Nodes;

namespace Orchestrator.Api.Compat;

/// <summary>Body of seed 004's <c>POST</c> and <c>PUT /api/scheduler/schedules</c>.</summary>
/// <param name="Name">The schedule's name.</param>
/// <param name="TaskType">A node type (<c>shell</c>, <c>http</c>, …), or <c>workflow</c> to run a stored workflow.</param>
/// <param name="TaskConfig">The node's settings; for <c>workflow</c>: <c>{workflow, version?, input?}</c>.</param>
/// <param name="ScheduleType"><c>cron</c>, <c>interval</c> or <c>once</c>.</param>
/// <param name="ScheduleConfig"><c>{expression, timeZone?}</c>, <c>{every, startAt?}</c> or <c>{at}</c>.</param>
/// <param name="Enabled">Whether it fires (true when created without it; unchanged when updated without it).</param>
/// <param name="Misfire">The misfire policy (<c>fireOnce</c>, <c>skip</c>, <c>fireAll</c>).</param>
/// <param name="MisfireLimit">With <c>fireAll</c>: the most missed occurrences that fire.</param>
/// <param name="Overlap">The overlap policy (<c>allow</c>, <c>skip</c>, <c>bufferOne</c>, <c>cancelPrevious</c>).</param>
/// <param name="Jitter">A duration: each fire is delayed by a random amount below it.</param>
public sealed record SeedScheduleRequest(
    string? Name,
    string? TaskType,
    JsonObject? TaskConfig,
    string? ScheduleType,
    SeedScheduleConfig? ScheduleConfig,
    bool? Enabled,
    string? Misfire,
    int? MisfireLimit,
    string? Overlap,
    string? Jitter);
