using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Processes;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>The check both fault tests make of a 1 s schedule once it is disabled: every due time from its first fire
/// to its last is accounted for once — a run of its own, or counted in a recorded misfire skip — and, with
/// <c>countRuns</c>, the schedule started no other run (only while its whole execution history is kept: 100 entries).</summary>
internal static class ScheduleAccounting
{
    /// <summary>How many entries a schedule's execution history keeps.</summary>
    private const int HistoryKept = 100;

    /// <summary>Asserts it through <paramref name="silo"/>; a line of figures.</summary>
    public static async Task<string> CheckAsync(ClusterSilo silo, string scheduleId, int atLeast, bool countRuns)
    {
        var executions = (await ReadAsync(silo, $"/api/schedules/{scheduleId}/executions?limit=500")).AsArray().Select(e => e!.AsObject()).ToList();
        var all = new JsonArray([.. executions.Select(e => e.DeepClone())]).ToJsonString();
        Assert.True(executions.All(e => e["outcome"]!.GetValue<string>() is "started" or "skipped_misfire" or "skipped_disabled"), all);
        var started = executions.Where(e => e["outcome"]!.GetValue<string>() == "started").ToList();
        Assert.True(started.Count >= atLeast, all);
        var byDue = started.GroupBy(e => e["scheduledFor"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(byDue.All(due => due.Select(e => e["runId"]!.GetValue<string>()).Distinct().Count() == 1), $"a due time fired more than one run: {all}");
        var dueTimes = byDue.Select(g => g.Key).Order().ToList();
        var span = (long)Math.Round((dueTimes[^1] - dueTimes[0]).TotalSeconds) + 1;
        var skipped = executions.Where(e => e["outcome"]!.GetValue<string>() == "skipped_misfire").Sum(e => e["occurrences"]?.GetValue<long>() ?? 1);
        Assert.True(dueTimes.Count + skipped == span, $"{span} due times from {dueTimes[0]:O} to {dueTimes[^1]:O}, {dueTimes.Count} fired and {skipped} skipped: {all}");
        if (countRuns)
        {
            // Once the history is full (a soak), its oldest entries are gone, and their runs are counted too.
            var runs = (await ReadAsync(silo, $"/api/runs?triggeredBy=schedule:{scheduleId}&limit=500"))["items"]!.AsArray();
            Assert.True(executions.Count < HistoryKept ? runs.Count == dueTimes.Count : runs.Count >= dueTimes.Count,
                $"{runs.Count} runs of the schedule for {dueTimes.Count} due times fired, in a history of {executions.Count} entries");
        }

        return $"schedule: {dueTimes.Count} due times fired once each, {skipped} skipped as misfires";
    }

    /// <summary>Reads <paramref name="path"/>, again while the silo refuses (a storage blip), for up to 30 s.</summary>
    private static async Task<JsonNode> ReadAsync(ClusterSilo silo, string path)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await silo.TryGetAsync(path) is { } answer)
            {
                return answer;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"GET {path} never answered");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
