using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class ClusterApiTests(RestApiHost host)
{
    private async Task PutAndRunAsync()
    {
        var name = UniqueName("cluster");
        await host.PutWorkflowAsync($$"""
            name: {{name}}
            nodes:
              mark: { type: set, values: { done: "true" } }
            """);
        await host.RunToEndAsync(name);
    }

    [Fact]
    public async Task Silos_ListThisSilo_RunningWithItsAddress()
    {
        var silos = await host.GetJsonAsync("/api/silos");

        var silo = Assert.Single(silos.GetProperty("items").EnumerateArray());
        Assert.Equal("test-silo", silo.GetProperty("name").GetString());
        Assert.Equal("running", silo.GetProperty("status").GetString());
        Assert.Equal("memory", silo.GetProperty("storage").GetString());
        Assert.StartsWith("http://", silo.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.True(silo.GetProperty("startedAt").TryGetDateTimeOffset(out _));
        Assert.True(silo.GetProperty("lastHeartbeatAt").TryGetDateTimeOffset(out _));
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+:\d+@\d+$", silo.GetProperty("siloAddress").GetString());
    }

    [Fact]
    public async Task Grains_ReportActivationsAndCallsByGrainType_AfterARun()
    {
        await PutAndRunAsync();

        var report = await host.GetJsonAsync("/api/grains");

        var byType = report.GetProperty("items").EnumerateArray().ToDictionary(t => t.GetProperty("grainType").GetString()!);
        // A finished run leaves memory as soon as its end is written: it was activated, and may be gone already.
        Assert.True(byType["run"].GetProperty("activationsCreated").GetInt64() >= 1);
        Assert.True(byType["run"].GetProperty("activations").GetInt32() >= 0);
        Assert.True(byType["run"].GetProperty("calls").GetInt64() >= 1);
        Assert.True(byType["workflow"].GetProperty("activationsCreated").GetInt64() >= 1);
        Assert.True(byType["workflow"].GetProperty("averageCallMilliseconds").GetDouble() >= 0);
        Assert.True(report.GetProperty("activations").GetInt32() >= byType["run"].GetProperty("activations").GetInt32());
        Assert.Equal(byType.Values.Sum(t => t.GetProperty("calls").GetInt64()), report.GetProperty("calls").GetInt64());
        Assert.DoesNotContain(byType.Keys, type => type.StartsWith("sys.", StringComparison.Ordinal));
    }

    [Fact]
    public void DirectoryCache_IsBounded_NotOrleansDefaultMillion()
    {
        // Every run called lands in the cache, and Orleans' dashboard walks it once a second to read its size.
        var options = host.Factory.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

        Assert.Equal(SiloHostBuilderExtensions.DirectoryCacheSize, options.CacheSize);
        Assert.Equal(10_000, options.CacheSize);
        Assert.Equal(GrainDirectoryOptions.CachingStrategyType.LRU, options.CachingStrategy);
    }

    [Fact]
    public async Task Metrics_AnswerPrometheusText_WithCountersAndHistogramsOfThisSilo()
    {
        await PutAndRunAsync();

        using var response = await host.Client.GetAsync(Relative("/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE orchestrator_grain_calls_total counter\n", text, StringComparison.Ordinal);
        Assert.Matches("""orchestrator_grain_calls_total\{otel_scope_name="Orchestrator.Grains",grain_type="run"\} [1-9]""", text);
        Assert.Contains("# TYPE orchestrator_grain_call_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Matches("""orchestrator_grain_call_duration_seconds_bucket\{otel_scope_name="Orchestrator.Grains",grain_type="run",le="\+Inf"\} [1-9]""", text);
        Assert.Contains("# TYPE orchestrator_grain_activations gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orchestrator_run_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Matches("""orchestrator_run_duration_seconds_count\{otel_scope_name="Orchestrator.Engine",(status="completed",workflow="cluster-[0-9a-f]+"|workflow="cluster-[0-9a-f]+",status="completed")\} 1""", text);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            Assert.Matches("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? \S+$""", line);
        }
    }

    [Fact]
    public async Task OpenApi_DocumentCoversTheResourceRoutes()
    {
        var document = await host.GetJsonAsync("/openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/workflows", "/api/workflows/{name}", "/api/runs", "/api/runs/{id}", "/api/runs/{id}/events",
            "/api/runs/{id}/cancel", "/api/runs/{id}/pause", "/api/runs/{id}/resume", "/api/runs/{id}/signal",
            "/api/errors", "/api/errors/{id}", "/api/errors/{id}/retry", "/api/errors/{id}/resolve",
            "/api/errors/{id}/ignore", "/api/errors/{id}/escalate", "/api/errors/errors", "/api/errors/errors/{id}/retry",
            "/api/silos", "/api/grains", "/api/health", "/metrics",
        ];
        foreach (var path in expected)
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        Assert.True(paths.GetProperty("/api/workflows").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/workflows/{name}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/runs").GetProperty("post").TryGetProperty("requestBody", out _));
        var getRun = paths.GetProperty("/api/runs/{id}").GetProperty("get").GetProperty("responses");
        Assert.True(getRun.TryGetProperty("404", out var notFound));
        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _));
        var postWorkflow = paths.GetProperty("/api/workflows").GetProperty("post").GetProperty("responses");
        Assert.True(postWorkflow.TryGetProperty("422", out _));
        Assert.True(postWorkflow.TryGetProperty("413", out _));
    }

    [Fact]
    public async Task Health_Returns200Healthy_OnTheRestHost()
    {
        var health = await host.GetJsonAsync("/api/health");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, health.GetProperty("storage").ValueKind);
    }
}
