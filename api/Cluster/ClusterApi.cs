using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Availability;
using Orchestrator.Api.Cluster.Metrics;
using Orchestrator.Api.OpenApi;
using Orchestrator.Cluster;
using Orchestrator.Providers.Diagnostics;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Security;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Cluster;

/// <summary><c>/api/silos</c>, <c>/api/grains</c>, <c>/metrics</c> (Prometheus text format) and the OpenAPI document.</summary>
public static class ClusterApi
{
    /// <summary>The Prometheus scrape route.</summary>
    public const string MetricsRoute = "/metrics";

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ApiEndpoints.Prefix).WithTags("cluster");
        group.MapGet("/silos", GetSilos).WithName("ListSilos").WithSummary("The silos of the cluster: every member, and those declared dead in the last hour.")
            .Viewer();
        group.MapGet("/grains", GetGrains).WithName("GetGrainStatistics").WithSummary("Activation counts and call statistics by grain type.")
            .Viewer();
        var scrape = MetricsPipeline.CreateScrapeHandler(app);
        var metrics = app.MapGet(MetricsRoute, (Delegate)((HttpContext context) => scrape(context))).WithTags("cluster").WithName("GetMetrics")
            .WithSummary("Metrics in the Prometheus text format (OpenMetrics, with exemplars, when the Accept header asks for it).")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        var openApi = app.MapOrchestratorOpenApi();
        if (app.ServiceProvider.GetRequiredService<IOptions<SecurityOptions>>().Value.PublicMetrics)
        {
            metrics.Anonymous();
            openApi.Anonymous();
        }
        else
        {
            metrics.Viewer();
            openApi.Viewer();
        }

        return app;
    }

    /// <summary>Members the cluster declared dead longer ago than this are left out.</summary>
    private static readonly TimeSpan DeadShownFor = TimeSpan.FromHours(1);

    /// <summary>How long one silo may take to say how it is.</summary>
    private static readonly TimeSpan AskBound = TimeSpan.FromSeconds(3);

    private static async Task<Ok<SiloList>> GetSilos(IGrainFactory grains, ILocalSiloDetails local, TimeProvider clock)
    {
        var members = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        var now = clock.GetUtcNow();
        var items = await Task.WhenAll(members
            .Where(m => m.Status != SiloStatus.Dead || now - m.IAmAliveTime <= DeadShownFor)
            .OrderBy(m => m.StartTime)
            .Select(m => DescribeAsync(grains, m, local)));
        return TypedResults.Ok(new SiloList(items));
    }

    private static async Task<SiloInfo> DescribeAsync(IGrainFactory grains, MembershipEntry member, ILocalSiloDetails local)
    {
        var heartbeat = member.IAmAliveTime == default ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(member.IAmAliveTime, DateTimeKind.Utc));
        var fromMembership = new SiloInfo(
            member.SiloName, MemberStatus(member.Status), null, member.SiloAddress.ToParsableString(),
            new DateTimeOffset(DateTime.SpecifyKind(member.StartTime, DateTimeKind.Utc)), heartbeat, null, null, null);
        if (member.Status != SiloStatus.Active && !member.SiloAddress.Equals(local.SiloAddress))
        {
            return fromMembership;
        }

        try
        {
            var info = await grains.GetGrain<ISiloInfoGrain>(member.SiloAddress.ToParsableString()).GetAsync().WaitAsync(AskBound);
            return info with { LastHeartbeatAt = heartbeat, StartedAt = info.StartedAt ?? fromMembership.StartedAt };
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
        {
            return fromMembership;
        }
    }

    private static string MemberStatus(SiloStatus status) => status switch
    {
        SiloStatus.Created or SiloStatus.Joining => "starting",
        SiloStatus.Active => "running",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "stopping",
        SiloStatus.Dead => "dead",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static Ok<GrainStatisticsReport> GetGrains(IGrainStatistics statistics)
    {
        var byType = statistics.GetByGrainType();
        return TypedResults.Ok(new GrainStatisticsReport(
            byType.Sum(s => s.Activations),
            byType.Sum(s => s.Calls),
            byType.Sum(s => s.FailedCalls),
            byType));
    }
}
