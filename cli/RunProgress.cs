using Orchestrator.Runs;

namespace Orchestrator.Cli;

/// <summary>How far a run is: finished nodes out of all, each element of a forEach node counted as one.</summary>
internal static class RunProgress
{
    public static (int Finished, int Total) Of(RunSnapshot run)
    {
        var finished = 0;
        var total = 0;
        foreach (var node in run.Nodes.Values)
        {
            if (node.Items is { Count: > 0 } items)
            {
                var count = items.Values.Sum();
                total += count;
                finished += node.Status.IsFinished() ? count : items.Where(i => IsFinished(i.Key)).Sum(i => i.Value);
            }
            else
            {
                total++;
                finished += node.Status.IsFinished() ? 1 : 0;
            }
        }

        return (finished, total);
    }

    /// <summary>A forEach node's elements by state (<c>3 completed, 1 running</c>); null for other nodes.</summary>
    public static string? Items(NodeSnapshot node) =>
        node.Items is { Count: > 0 } items ? string.Join(", ", items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Value} {i.Key}")) : null;

    /// <summary>A bar of <paramref name="width"/> cells.</summary>
    public static string Bar(int finished, int total, int width = 30)
    {
        var filled = total == 0 ? width : (int)Math.Round(width * (double)finished / total);
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {finished}/{total}";
    }

    private static bool IsFinished(string status) => status is "completed" or "failed" or "cancelled" or "skipped";
}
