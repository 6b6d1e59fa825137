using System.Globalization;
using System.Text;

namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>Writes metrics in the Prometheus text exposition format (version 0.0.4): names made of
/// <c>[a-zA-Z0-9_:]</c> with the unit as a suffix, <c>_total</c> on counters, histograms as cumulative
/// <c>_bucket{le=…}</c> lines with <c>_sum</c> and <c>_count</c>.</summary>
internal static class PrometheusTextWriter
{
    public static string Write(IEnumerable<MetricSnapshot> metrics)
    {
        var text = new StringBuilder();
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            var name = NameOf(metric);
            // Two instruments may map onto one name (two meters with the same instrument name); the first one wins.
            if (!written.Add(name))
            {
                continue;
            }

            if (!string.IsNullOrEmpty(metric.Description))
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(metric.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var series in metric.Series)
            {
                if (metric.Kind == MetricKind.Histogram)
                {
                    WriteHistogram(text, name, metric.Boundaries, series);
                }
                else
                {
                    WriteSample(text, name, series.Labels, null, series.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary><c>orchestrator.grain.call.duration</c> in <c>ms</c> → <c>orchestrator_grain_call_duration_milliseconds</c>;
    /// counters end in <c>_total</c>.</summary>
    internal static string NameOf(MetricSnapshot metric)
    {
        var name = Sanitize(metric.Name, allowColon: true);
        var unit = metric.Unit switch
        {
            "ms" => "_milliseconds",
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        if (unit.Length > 0 && !name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += unit;
        }

        return metric.Kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private static void WriteHistogram(StringBuilder text, string name, IReadOnlyList<double> boundaries, MetricSeries series)
    {
        var counts = series.BucketCounts ?? [];
        for (var i = 0; i < boundaries.Count && i < counts.Count; i++)
        {
            WriteSample(text, name + "_bucket", series.Labels, Format(boundaries[i]), counts[i]);
        }

        WriteSample(text, name + "_bucket", series.Labels, "+Inf", series.Count);
        WriteSample(text, name + "_sum", series.Labels, null, series.Sum);
        WriteSample(text, name + "_count", series.Labels, null, series.Count);
    }

    private static void WriteSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                if (!first)
                {
                    text.Append(',');
                }

                first = false;
                text.Append(Sanitize(key, allowColon: false)).Append("=\"").Append(EscapeLabel(labelValue)).Append('"');
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Format(value)).Append('\n');
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
