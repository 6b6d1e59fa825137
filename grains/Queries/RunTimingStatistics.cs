using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Queries;

/// <summary>Adds up the <see cref="RunTiming"/> rows of finished runs, newest first, into <see cref="NodeStatistics"/>.</summary>
internal sealed class RunTimingStatistics(bool perNode)
{
    private readonly List<double> _runs = [];
    private readonly List<double> _nodes = [];
    private readonly Dictionary<string, (List<double> Seconds, long Attempts, long Failed)> _byNode = new(StringComparer.Ordinal);
    private long _attempts;

    /// <summary>Runs added.</summary>
    public int Count { get; private set; }

    public void Add(RunTiming run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Count++;
        if (run.Seconds is { } seconds)
        {
            _runs.Add(seconds);
        }

        foreach (var (name, node) in run.Nodes)
        {
            _attempts += node.Attempts;
            if (node.Seconds is { } nodeSeconds)
            {
                _nodes.Add(nodeSeconds);
            }

            if (perNode)
            {
                var (list, attempts, failed) = _byNode.GetValueOrDefault(name, ([], 0, 0));
                if (node.Seconds is { } s)
                {
                    list.Add(s);
                }

                _byNode[name] = (list, attempts + node.Attempts, failed + (node.Status == NodeStatus.Failed ? 1 : 0));
            }
        }
    }

    /// <summary>The figures over [<paramref name="coveredSince"/>, <paramref name="now"/>].</summary>
    public NodeStatistics Result(DateTimeOffset since, DateTimeOffset coveredSince, DateTimeOffset now)
    {
        var span = (now - coveredSince).TotalSeconds;
        _runs.Sort();
        _nodes.Sort();
        return new NodeStatistics(
            since,
            coveredSince,
            Count,
            Percentile(_runs, 0.50),
            Percentile(_runs, 0.99),
            _attempts,
            span <= 0 ? 0 : Math.Round(_attempts / span, 3),
            Percentile(_nodes, 0.50),
            Percentile(_nodes, 0.99),
            _byNode.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(
                pair => pair.Key,
                pair =>
                {
                    pair.Value.Seconds.Sort();
                    return new NodeDurationStatistics(pair.Value.Seconds.Count, pair.Value.Attempts, pair.Value.Failed,
                        Percentile(pair.Value.Seconds, 0.50), Percentile(pair.Value.Seconds, 0.90), Percentile(pair.Value.Seconds, 0.99));
                },
                StringComparer.Ordinal));
    }

    /// <summary>The nearest-rank percentile of sorted values; null when there are none.</summary>
    public static double? Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
}
