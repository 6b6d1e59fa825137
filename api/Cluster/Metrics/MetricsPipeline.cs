using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Orchestrator.Api.Cluster.Metrics;

/// <summary>The one metrics pipeline: OpenTelemetry's meter provider reads our meters (<c>Orchestrator.*</c>) and
/// Orleans' (<c>Microsoft.Orleans</c>); its Prometheus exporter serves them at <c>GET /metrics</c> (text format, or
/// OpenMetrics with exemplars when the scraper asks for it), and the silo adds an OTLP exporter when it exports.</summary>
public static class MetricsPipeline
{
    /// <summary>The meters read.</summary>
    public static readonly string[] Meters = ["Orchestrator.*", "Microsoft.Orleans"];

    /// <summary>Adds the meter provider with the Prometheus exporter. Histogram measurements taken inside a recorded span
    /// keep it as an exemplar (trace id and span id).</summary>
    public static IServiceCollection AddMetricsPipeline(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)
            .SetExemplarFilter(ExemplarFilterType.TraceBased)
            // Every scrape collects afresh (the exporter would otherwise answer scrapes within 300 ms with the last one).
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
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
