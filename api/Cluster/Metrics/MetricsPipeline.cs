using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>The one metrics pipeline: OpenTelemetry's meter provider reads our meters (<c>Orchestrator.*</c>) and
/// Orleans' (<c>Microsoft.Orleans</c>); its Prometheus exporter serves them at <c>GET /metrics</c> (text format, or
/// OpenMetrics with exemplars when the scraper asks for it), and the silo adds an OTLP exporter when it exports.</summary>
public static class MetricsPipeline
{
    /// <summary>The meters read (name prefixes): ours and Orleans' runtime's.</summary>
    public static readonly string[] Meters = ["Orchestrator", "Microsoft.Orleans"];

    /// <summary>Orleans' gauges left out of the output: each reading walks every activation of the silo, or every entry
    /// of its grain directory cache, taking a few hundred milliseconds of CPU per collection on a silo with many runs
    /// (measured under the load benchmark: 0.3–0.4 s each, per scrape or export). OpenTelemetry (1.21) may still read them
    /// at a collection: a rule disabling them for its listener did not stop them being enabled. The reading once a second
    /// that profiles showed is Orleans' dashboard's own meter provider, which takes every Orleans instrument; the silo
    /// bounds the directory cache (see the silo's <c>DirectoryCacheSize</c>), which keeps that reading short.</summary>
    public static readonly string[] DroppedInstruments = ["orleans-messaging-processing-activation-data", "orleans-directory-cache-size"];

    /// <summary>The name OpenTelemetry's metrics listener goes by.</summary>
    private const string OpenTelemetryListener = "OpenTelemetry";

    /// <summary>Adds the meter provider with the Prometheus exporter. Histogram measurements taken inside a recorded span
    /// keep it as an exemplar (trace id and span id). The meters are enabled for this host's own meter factory only
    /// (<see cref="MeterScope.Local"/>, not OpenTelemetry's <c>AddMeter</c>, which takes every meter of that name in the
    /// process): hosts sharing a process, as tests do, each serve their own series.</summary>
    public static IServiceCollection AddMetricsPipeline(this IServiceCollection services)
    {
        services.AddMetrics(metrics =>
        {
            foreach (var meter in Meters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, OpenTelemetryListener, MeterScope.Local);
            }
        });
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .SetExemplarFilter(ExemplarFilterType.TraceBased)
                // Every scrape collects afresh (the exporter would otherwise answer scrapes within 300 ms with the last one).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            foreach (var instrument in DroppedInstruments)
            {
                metrics.AddView(instrument, MetricStreamConfiguration.Drop);
            }
        });
        return services;
    }

    /// <summary>The scrape handler: the Prometheus exporter's middleware as a request delegate, so that the route is an
    /// ordinary <c>GET</c> endpoint (documented, 405 for other methods).</summary>
    public static RequestDelegate CreateScrapeHandler(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.CreateApplicationBuilder().UseOpenTelemetryPrometheusScrapingEndpoint(_ => true).Build();
    }
}
