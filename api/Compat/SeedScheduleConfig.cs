using System.Text.Json.Nodes;

namespace Orchestrator.Api.Compat;

/// <summary>Seed 004's <c>scheduleConfig</c>.</summary>
/// <param name="Expression">cron: the expression (5 or 6 fields).</param>
/// <param name="TimeZone">The time zone (UTC when absent).</param>
/// <param name="Every">interval: a duration (<c>30s</c>) or a number of milliseconds.</param>
/// <param name="StartAt">interval: the first fire time.</param>
/// <param name="At">once: the fire time.</param>
public sealed record SeedScheduleConfig(string? Expression, string? TimeZone, JsonNode? Every, string? StartAt, string? At);
