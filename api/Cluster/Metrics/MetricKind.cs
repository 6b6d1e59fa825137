namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>How a metric is exposed: a monotonic counter, a gauge (up-down counters and gauges), or a histogram.</summary>
internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}
