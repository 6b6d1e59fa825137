using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Testing.Services;

namespace Orchestrator.Silo.Tests.Telemetry;

/// <summary>A silo process exporting with OTLP over HTTP to a local stand-in collector, configured the standard way.</summary>
public sealed class OtlpExportTests
{
    private const string Protobuf = "application/x-protobuf";

    [Fact]
    public async Task Silo_PostsTracesMetricsAndLogs_ToTheOtlpEndpointItIsGiven()
    {
        await using var collector = await LocalCollector.StartAsync();
        using var workDir = new TemporaryDirectory();
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "orchestrator-otlp-test",
            // Export soon rather than after the defaults' 5 s (spans, logs) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        using var silo = SiloProcess.Start(workDir.Path, environment, "--urls", url, "--storage", "memory");
        await silo.WaitUntilHealthyAsync(client);

        using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            """{"name":"otlp","nodes":{"a":{"type":"noop"},"b":{"type":"set","dependsOn":["a"],"values":{"b":"1"}}}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var start = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/runs?wait=true", UriKind.Relative))
        {
            Content = JsonContent.Create(new { workflow = "otlp" }),
        };
        start.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");
        using var started = await client.SendAsync(start);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var run = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(traceId, (string?)run["traceId"]);

        // The run's span (and its attempts') reach the collector in the request's trace.
        var traces = await collector.WaitForAsync("trace export holding the run's trace", e => e.Path == "/v1/traces" && e.Holds(Convert.FromHexString(traceId)));
        Assert.Equal(Protobuf, traces.ContentType);
        Assert.True(traces.Holds(Encoding.UTF8.GetBytes("orchestrator-otlp-test")), "the resource names the service");
        var metrics = await collector.WaitForAsync("metric export holding the run duration", e => e.Path == "/v1/metrics" && e.Holds(Encoding.UTF8.GetBytes("orchestrator.run.duration")));
        Assert.Equal(Protobuf, metrics.ContentType);
        var logs = await collector.WaitForAsync("log export", e => e.Path == "/v1/logs");
        Assert.Equal(Protobuf, logs.ContentType);

        // Traced, the histograms keep exemplars: an attempt's duration points at its span, in OpenMetrics.
        using var scrape = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        scrape.Headers.Add("Accept", "application/openmetrics-text; version=1.0.0");
        using var scraped = await client.SendAsync(scrape);
        var text = await scraped.Content.ReadAsStringAsync();
        Assert.StartsWith("application/openmetrics-text", scraped.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("orchestrator_node_attempt_duration_seconds_bucket{", StringComparison.Ordinal) && line.Contains($"trace_id=\"{traceId}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecretInAnHttpNodesUrl_IsExportedNowhere_ThoughTheCallsSpanIs()
    {
        const string secret = "tok-5a9e-secret";
        await using var collector = await LocalCollector.StartAsync();
        await using var server = LocalWebApp.Create();
        server.MapGet("/{**path}", () => Results.Ok());
        var serverPort = (await LocalWebApp.StartAsync(server)).Port;
        using var workDir = new TemporaryDirectory();
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["ORCHESTRATOR_SECRET_TOKEN"] = secret,
        };
        using var silo = SiloProcess.Start(workDir.Path, environment, "--urls", url, "--storage", "memory", "--Logging:LogLevel:Default", "Debug");
        await silo.WaitUntilHealthyAsync(client);
        using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent($$"""
            { "name": "secret-url", "nodes": { "call": { "type": "http", "method": "GET", "url": "http://127.0.0.1:{{serverPort}}/hooks/${secret.TOKEN}" } } }
            """, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var started = await client.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "secret-url" });
        Assert.Equal("completed", (string?)(await started.Content.ReadFromJsonAsync<JsonObject>())!["status"]);

        // The HTTP client's span of the node's call is exported, with its URL redacted.
        await collector.WaitForAsync("the node call's span", e => e.Path == "/v1/traces" && e.Holds(Encoding.UTF8.GetBytes($"127.0.0.1:{serverPort}/hooks/***")));
        Assert.All(collector.Exports, export => Assert.False(export.Holds(Encoding.UTF8.GetBytes(secret)), $"the secret is in an export to {export.Path}"));
        Assert.DoesNotContain(secret, silo.Output + silo.Error, StringComparison.Ordinal);
    }
}
