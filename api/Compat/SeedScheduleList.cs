namespace Orchestrator.Api.Compat;

/// <summary>Answer of seed 004's <c>GET /api/scheduler/schedules</c>.</summary>
/// <param name="Schedules">The schedules, newest first.</param>
/// <param name="Count">How many are in <paramref name="Schedules"/>.</param>
/// <param name="Cursor">Pass as <c>?cursor=</c> for the next page; absent on the last one.</param>
public sealed record SeedScheduleList(IReadOnlyList<SeedScheduleResponse> Schedules, int Count, string? Cursor);
