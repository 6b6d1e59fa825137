using System.Net;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class StatsApiTests(RestApiHost host)
{
    [Fact]
    public async Task RunStatistics_CountAWorkflowsRunsByStatus_WithTheFailureRateAndDurations()
    {
        var ok = UniqueName("stats-ok");
        var broken = UniqueName("stats-broken");
        await host.PutWorkflowAsync($"name: {ok}\nnodes:\n  a: {{ type: noop }}\n");
        await host.PutWorkflowAsync($"name: {broken}\nnodes:\n  a: {{ type: fail, retry: {{ maxAttempts: 1 }} }}\n");
        for (var i = 0; i < 3; i++)
        {
            await host.RunToEndAsync(ok, new { });
        }

        await host.RunToEndAsync(broken, new { });

        var okStats = await host.GetJsonAsync($"/api/stats/runs?workflow={ok}");
        var brokenStats = await host.GetJsonAsync($"/api/stats/runs?workflow={broken}&window=24h");
        var everything = await host.GetJsonAsync("/api/stats/runs?window=10m");

        Assert.Equal(3, okStats.GetProperty("byStatus").GetProperty("completed").GetInt64());
        Assert.Equal(0, okStats.GetProperty("failureRate").GetDouble());
        Assert.Equal(3, okStats.GetProperty("durationSampleSize").GetInt32());
        Assert.True(okStats.GetProperty("durationP99Seconds").GetDouble() >= okStats.GetProperty("durationP50Seconds").GetDouble());
        Assert.Equal(60, okStats.GetProperty("bucketSeconds").GetDouble());
        Assert.Equal(3, okStats.GetProperty("slices").EnumerateArray().Sum(s => s.GetProperty("byStatus").GetProperty("completed").GetInt64()));
        Assert.Equal(1, brokenStats.GetProperty("byStatus").GetProperty("failed").GetInt64());
        Assert.Equal(1, brokenStats.GetProperty("failureRate").GetDouble());
        Assert.Equal(24 * 60, brokenStats.GetProperty("bucketSeconds").GetDouble());
        Assert.True(everything.GetProperty("byStatus").GetProperty("completed").GetInt64() >= 3);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("10s")]
    [InlineData("30d")]
    public async Task RunStatistics_RefuseAWindowOutsideOneMinuteToSevenDays_NamingIt(string window)
    {
        using var response = await host.Client.GetAsync(new Uri($"/api/stats/runs?window={window}", UriKind.Relative));
        var problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"field\":\"window\"", problem, StringComparison.Ordinal);
    }
}
