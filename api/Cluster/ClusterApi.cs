using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Availability;
using Orchestrator.Api.Cluster.Metrics;
using Orchestrator.Api.OpenApi;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Api.Cluster;

/// <summary><c>/api/silos</c>, <c>/api/grains</c>, <c>/metrics</c> (Prometheus text format) and the OpenAPI document.</summary>
public static class ClusterApi
{
    /// <summary>The Prometheus scrape route.</summary>
    public const string MetricsRoute = "/metrics";

    /// <summary>The Prometheus text exposition format's content type.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ApiEndpoints.Prefix).WithTags("cluster");
        group.MapGet("/silos", GetSilos).WithName("ListSilos").WithSummary("The silos of the cluster (this one, for now).");
        group.MapGet("/grains", GetGrains).WithName("GetGrainStatistics").WithSummary("Activation counts and call statistics by grain type.");
        app.MapGet(MetricsRoute, GetMetrics).WithTags("cluster").WithName("GetMetrics").WithSummary("Metrics in the Prometheus text format.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        app.MapOrchestratorOpenApi();
        return app;
    }

    private static Ok<SiloList> GetSilos(
        HttpContext http, SiloAvailability availability, SiloLifecycle lifecycle, ILocalSiloDetails siloDetails, IStorageBackend storage,
        IGrainStatistics statistics, IServer server, TimeProvider clock)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses is { Count: > 0 } ? addresses.First() : $"{http.Request.Scheme}://{http.Request.Host}";
        var startedAt = lifecycle.StartedAt;
        var silo = new SiloInfo(
            siloDetails.Name,
            availability.Status.ToString().ToLowerInvariant(),
            address,
            startedAt,
            startedAt is { } since ? Math.Round((clock.GetUtcNow() - since).TotalSeconds, 3) : null,
            storage.Name,
            statistics.GetByGrainType().Sum(s => s.Activations));
        return TypedResults.Ok(new SiloList([silo]));
    }

    private static Ok<GrainStatisticsReport> GetGrains(IGrainStatistics statistics)
    {
        var byType = statistics.GetByGrainType();
        return TypedResults.Ok(new GrainStatisticsReport(
            byType.Sum(s => s.Activations),
            byType.Sum(s => s.Calls),
            byType.Sum(s => s.FailedCalls),
            byType));
    }

    private static ContentHttpResult GetMetrics(MetricsCollector collector) =>
        TypedResults.Text(PrometheusTextWriter.Write(collector.Collect()), PrometheusContentType);
}
