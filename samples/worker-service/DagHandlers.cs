using System.Text.Json.Nodes;
using Orchestrator.Client.Workers;

namespace WorkerService;

/// <summary>The work of <c>samples/dag-workers.yaml</c>: one method per task queue.</summary>
public sealed class DagHandlers
{
    /// <summary>One element of <c>square</c>: its input is <c>{n, item, itemIndex}</c>.</summary>
    [TaskHandler("squares")]
    public static async Task<JsonObject> SquareAsync(JsonNode input, CancellationToken cancellationToken)
    {
        var n = input["n"]!.GetValue<double>();
        await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken); // stands in for real work
        return new JsonObject { ["n"] = n, ["square"] = n * n };
    }

    /// <summary><c>summarize</c>: reports progress with a heartbeat, then adds the squares up.</summary>
    [TaskHandler("summaries")]
    public static async Task<JsonObject> SummarizeAsync(WorkerTask task, CancellationToken cancellationToken)
    {
        var squares = task.Input?["squares"]?.AsArray() ?? [];
        await task.HeartbeatAsync(new JsonObject { ["received"] = squares.Count }, cancellationToken);
        var total = squares.Sum(s => s?["square"]?.GetValue<double>() ?? 0);
        return new JsonObject { ["count"] = squares.Count, ["total"] = total, ["summarizedBy"] = Environment.MachineName };
    }
}
