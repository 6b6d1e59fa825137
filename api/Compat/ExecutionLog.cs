using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Api.Compat;

/// <summary>A run's <c>execution_log</c>: its <c>node_start</c>, <c>node_complete</c>, <c>transition</c> and
/// <c>system</c> messages in seed 002's shape, oldest first, built from the persisted event log.</summary>
internal static class ExecutionLog
{
    private const int PageSize = 10_000;

    public static async Task<JsonArray> ReadAsync(IRunGrain run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var log = new JsonArray();
        var after = 0L;
        while (true)
        {
            var page = await run.GetEventsAsync(after, PageSize);
            foreach (var runEvent in page)
            {
                Add(log, runEvent);
                after = runEvent.Seq;
            }

            if (page.Count < PageSize)
            {
                return log;
            }
        }
    }

    /// <summary>Adds the entry for <paramref name="runEvent"/> when it has one; returns its message (or null).</summary>
    public static JsonObject? Add(JsonArray log, RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(log);
        var message = SeedMessages.GraphEvent(runEvent);
        if (message is not null && SeedMessages.IsExecutionLogEntry(message))
        {
            log.Add(message.DeepClone());
        }

        return message;
    }
}
