using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>One histogram of a silo's <c>GET /metrics</c> (Prometheus text format), its <c>_bucket</c> lines summed
/// over every label set by bound: cumulative counts, so that two readings subtracted give what was recorded between
/// them, and quantiles estimated from that by linear interpolation within the bucket they fall in (as Prometheus'
/// <c>histogram_quantile</c> does).</summary>
internal sealed class PrometheusHistogram
{
    private readonly SortedDictionary<double, double> _cumulative;

    private PrometheusHistogram(SortedDictionary<double, double> cumulative) => _cumulative = cumulative;

    /// <summary>Observations in all (the <c>+Inf</c> bucket).</summary>
    public double Count => _cumulative.Count == 0 ? 0 : _cumulative.Last().Value;

    /// <summary>Reads the histogram <paramref name="name"/> (without <c>_bucket</c>) from a scrape; empty when the
    /// scrape has no such lines (nothing recorded yet).</summary>
    public static PrometheusHistogram Parse(string metricsText, string name)
    {
        ArgumentNullException.ThrowIfNull(metricsText);
        var prefix = name + "_bucket{";
        var cumulative = new SortedDictionary<double, double>();
        foreach (var rawLine in metricsText.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // name_bucket{a="x",le="0.005"} 123 [timestamp]
            var close = line.LastIndexOf('}');
            if (close < prefix.Length)
            {
                continue;
            }

            var labels = line[prefix.Length..close];
            var le = labels.IndexOf("le=\"", StringComparison.Ordinal);
            if (le < 0)
            {
                continue;
            }

            var boundText = labels[(le + 4)..labels.IndexOf('"', le + 4)];
            var bound = boundText == "+Inf" ? double.PositiveInfinity : double.Parse(boundText, NumberStyles.Float, CultureInfo.InvariantCulture);
            var value = double.Parse(line[(close + 1)..].Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            cumulative[bound] = cumulative.GetValueOrDefault(bound) + value;
        }

        return new PrometheusHistogram(cumulative);
    }

    /// <summary>What was recorded between an earlier reading and this one.</summary>
    public PrometheusHistogram Minus(PrometheusHistogram earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var difference = new SortedDictionary<double, double>();
        foreach (var (bound, count) in _cumulative)
        {
            difference[bound] = count - earlier._cumulative.GetValueOrDefault(bound);
        }

        return new PrometheusHistogram(difference);
    }

    /// <summary>The estimated quantile (0 to 1) and the bounds of the bucket it fell in; null without observations. In
    /// the <c>+Inf</c> bucket the estimate is that bucket's lower bound.</summary>
    public (double Value, double Lower, double Upper)? Quantile(double quantile)
    {
        var total = Count;
        if (total <= 0)
        {
            return null;
        }

        var rank = quantile * total;
        double lower = 0, below = 0;
        foreach (var (bound, cumulative) in _cumulative)
        {
            if (cumulative >= rank && cumulative > below)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return (lower, lower, bound);
                }

                return (lower + ((bound - lower) * (rank - below) / (cumulative - below)), lower, bound);
            }

            lower = bound;
            below = cumulative;
        }

        return null;
    }

    /// <summary><c>p50 0.42 ms (0-1 ms) p99 3.1 ms (2.5-5 ms), n=…</c> for values in seconds, shown in ms.</summary>
    public string DescribeMilliseconds()
    {
        string One(string name, double q) => Quantile(q) is { } x
            ? $"{name} {Ms(x.Value)} ms (bucket {Ms(x.Lower)}-{Ms(x.Upper)} ms)"
            : $"{name} ? (nothing recorded)";
        return $"{One("p50", 0.5)}, {One("p99", 0.99)}, {Count.ToString("N0", CultureInfo.InvariantCulture)} observations";
    }

    /// <summary>Seconds as milliseconds, briefly.</summary>
    public static string Ms(double seconds) =>
        double.IsPositiveInfinity(seconds) ? "+Inf" : (seconds * 1000).ToString(seconds * 1000 < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture);
}
