namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>One instrument's aggregated series at a scrape.</summary>
/// <param name="Name">The instrument's name (<c>orchestrator.grain.calls</c>).</param>
/// <param name="Unit">Its unit (<c>ms</c>, <c>s</c>, <c>{call}</c>), if any.</param>
/// <param name="Description">Its description, if any.</param>
/// <param name="Kind">How it is exposed.</param>
/// <param name="Boundaries">Histograms: the buckets' upper bounds, ascending; empty otherwise.</param>
/// <param name="Series">One entry per tag combination seen.</param>
internal sealed record MetricSnapshot(
    string Name,
    string? Unit,
    string? Description,
    MetricKind Kind,
    IReadOnlyList<double> Boundaries,
    IReadOnlyList<MetricSeries> Series);
