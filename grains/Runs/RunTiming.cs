namespace Orchestrator.Runs.Engine;

/// <summary>The row a finished run writes in <see cref="RunState.RunTimingsView"/>: how long it and each of its nodes
/// took and how many attempts they made, so that duration percentiles and task rates are read from one view.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Seconds">Started → finished, when it started.</param>
/// <param name="Nodes">Each node that started.</param>
internal sealed record RunTiming(string RunId, double? Seconds, IReadOnlyDictionary<string, NodeTiming> Nodes)
{
    public static RunTiming Of(RunState run) => new(
        run.RunId ?? "",
        Between(run.StartedAt, run.FinishedAt),
        run.Nodes.Where(pair => pair.Value.StartedAt is not null).ToDictionary(
            pair => pair.Key,
            pair => new NodeTiming(
                pair.Value.Status,
                // Attempts count the current iteration's; each earlier iteration (graph mode) made at least one.
                pair.Value.Items is { } items ? items.Sum(item => item.Attempts) : pair.Value.Attempts + Math.Max(0, pair.Value.Iterations - 1),
                Between(pair.Value.StartedAt, pair.Value.FinishedAt)),
            StringComparer.Ordinal));

    private static double? Between(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } from && end is { } to ? Math.Round((to - from).TotalSeconds, 6) : null;
}

/// <summary>One node of a <see cref="RunTiming"/>.</summary>
/// <param name="Status">Its status when the run finished.</param>
/// <param name="Attempts">Attempts it made.</param>
/// <param name="Seconds">First start → finish, when it finished.</param>
internal sealed record NodeTiming(NodeStatus Status, int Attempts, double? Seconds);
