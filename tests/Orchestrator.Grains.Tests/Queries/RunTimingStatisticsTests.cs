using Orchestrator.Queries;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Queries;

public sealed class RunTimingStatisticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunTiming Run(double? seconds, params (string Name, NodeStatus Status, int Attempts, double? Seconds)[] nodes) =>
        new("r", seconds, nodes.ToDictionary(n => n.Name, n => new NodeTiming(n.Status, n.Attempts, n.Seconds)));

    [Fact]
    public void Result_GivesNearestRankPercentilesPerNode_AndCountsAttemptsAndFailures()
    {
        var statistics = new RunTimingStatistics(perNode: true);
        for (var i = 1; i <= 10; i++)
        {
            statistics.Add(Run(i * 10, ("a", NodeStatus.Completed, 1, i), ("b", i == 10 ? NodeStatus.Failed : NodeStatus.Completed, 2, null)));
        }

        var result = statistics.Result(Now.AddMinutes(-10), Now.AddMinutes(-10), Now);

        Assert.Equal(10, result.Runs);
        Assert.Equal((50.0, 100.0), (result.RunDurationP50Seconds, result.RunDurationP99Seconds));
        Assert.Equal(30, result.Attempts);
        Assert.Equal(30 / 600.0, result.TasksPerSecond, 6);
        Assert.Equal(new NodeDurationStatistics(10, 10, 0, 5, 9, 10), result.Nodes["a"]);
        Assert.Equal(new NodeDurationStatistics(0, 20, 1, null, null, null), result.Nodes["b"]);
        Assert.Equal((5.0, 10.0), (result.NodeDurationP50Seconds, result.NodeDurationP99Seconds));
    }

    [Fact]
    public void Result_MeasuresTheRateOverTheCoveredStretch_AndLeavesNodesOut_OverEveryWorkflow()
    {
        var statistics = new RunTimingStatistics(perNode: false);
        statistics.Add(Run(1, ("a", NodeStatus.Completed, 3, 1)));

        var result = statistics.Result(Now.AddHours(-1), Now.AddSeconds(-30), Now);

        Assert.Equal(0.1, result.TasksPerSecond, 6);
        Assert.Equal(Now.AddSeconds(-30), result.CoveredSince);
        Assert.Empty(result.Nodes);
    }
}
