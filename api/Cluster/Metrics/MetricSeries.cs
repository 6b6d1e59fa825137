namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>One labelled series of a metric: its value, or for a histogram its cumulative bucket counts, sum and count.</summary>
/// <param name="Labels">Tag names and values, sorted by name.</param>
/// <param name="Value">The counter's total or the gauge's value.</param>
/// <param name="BucketCounts">Histograms: observations ≤ each upper bound of the metric (cumulative); null otherwise.</param>
/// <param name="Sum">Histograms: the sum of the observations.</param>
/// <param name="Count">Histograms: how many observations.</param>
internal sealed record MetricSeries(
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    IReadOnlyList<long>? BucketCounts,
    double Sum,
    long Count);
