using Orchestrator.Api.Cluster.Metrics;

namespace Orchestrator.Silo.Tests.Rest;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Write_NamesCountersWithTotalAndUnits_AndEscapesLabelValues()
    {
        var counter = new MetricSnapshot("orchestrator.grain.calls", "{call}", "Grain calls\ncompleted", MetricKind.Counter, [],
            [new MetricSeries([new("grain.type", "say \"hi\"\\")], 3, null, 0, 0)]);
        var gauge = new MetricSnapshot("queue.depth", "By", null, MetricKind.Gauge, [], [new MetricSeries([], -1.5, null, 0, 0)]);

        var text = PrometheusTextWriter.Write([counter, gauge]);

        Assert.Equal(
            "# HELP orchestrator_grain_calls_total Grain calls\\ncompleted\n" +
            "# TYPE orchestrator_grain_calls_total counter\n" +
            "orchestrator_grain_calls_total{grain_type=\"say \\\"hi\\\"\\\\\"} 3\n" +
            "# TYPE queue_depth_bytes gauge\n" +
            "queue_depth_bytes -1.5\n",
            text);
    }

    [Fact]
    public void Write_ExposesHistogramsAsCumulativeBucketsWithSumAndCount()
    {
        var histogram = new MetricSnapshot("call.duration", "ms", null, MetricKind.Histogram, [10, 100],
            [new MetricSeries([new("grain.type", "run")], 0, [1, 3, 4], 172.5, 4)]);

        var text = PrometheusTextWriter.Write([histogram]);

        Assert.Equal(
            "# TYPE call_duration_milliseconds histogram\n" +
            "call_duration_milliseconds_bucket{grain_type=\"run\",le=\"10\"} 1\n" +
            "call_duration_milliseconds_bucket{grain_type=\"run\",le=\"100\"} 3\n" +
            "call_duration_milliseconds_bucket{grain_type=\"run\",le=\"+Inf\"} 4\n" +
            "call_duration_milliseconds_sum{grain_type=\"run\"} 172.5\n" +
            "call_duration_milliseconds_count{grain_type=\"run\"} 4\n",
            text);
    }
}
