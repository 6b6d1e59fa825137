using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orchestrator.Api.Runs;
using Orchestrator.Definitions;
using Orchestrator.Diagnostics;
using Orchestrator.Runs.Engine;
using Orchestrator.Testing;
using Orchestrator.Workflows;
using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Tests.Telemetry;

/// <summary>Runs started over HTTP on a two-silo in-process cluster, traced with OpenTelemetry's in-memory exporter:
/// each gives one trace from the request through the run, its attempts and its sub-run, wherever they ran.</summary>
public sealed class HttpRunTraceTests
{
    private const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    [Fact]
    public async Task RunsStartedOverHttp_GiveOneTraceEach_FromTheRequestThroughEveryAttempt_AcrossTwoSilos()
    {
        var spans = new SpanCollection();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(OrchestratorTracing.SourceName, OrleansApplicationSource)
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        await using var silo = await TestSilo.StartAsync(new TestSiloOptions
        {
            Silos = 2,
            Services = services =>
            {
                services.AddWorkflowEngine();
                services.AddSingleton<PlacementStrategy, RandomPlacement>();
            },
            Silo = silo => silo.AddActivityPropagation(),
            Client = client => client.AddActivityPropagation(),
        });
        await using var api = await StartApiAsync(silo.GrainFactory);
        foreach (var yaml in new[]
        {
            "name: traced-child\nnodes:\n  inner: { type: noop }\n",
            "name: traced-http\nnodes:\n  first: { type: noop }\n  sub: { type: workflow, workflow: traced-child, dependsOn: [first] }\n",
        })
        {
            var definition = DefinitionLoader.Load(yaml).Definition!;
            await silo.GrainFactory.GetGrain<IWorkflowGrain>(definition.Name).PutAsync(definition);
        }

        var silos = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 8; i++)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            var callerSpanId = ActivitySpanId.CreateRandom().ToHexString();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/runs", UriKind.Relative)) { Content = JsonContent.Create(new { workflow = "traced-http" }) };
            request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
            using var response = await api.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var runId = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"];

            var trace = await spans.WaitForTraceAsync(traceId, s => s.Count(IsRun) == 2 && s.Count(IsAttempt) == 3 && s.Any(IsRequest));
            var requestSpan = Assert.Single(trace, IsRequest);
            Assert.Equal(callerSpanId, requestSpan.ParentSpanId.ToHexString());
            var run = Assert.Single(trace, s => s.DisplayName == "run traced-http");
            Assert.Equal(runId, run.GetTagItem(TraceTags.RunId));
            Assert.Equal(requestSpan.SpanId, run.ParentSpanId);
            Assert.Equal(run.SpanId, Assert.Single(trace, s => s.DisplayName == "node first").ParentSpanId);
            var sub = Assert.Single(trace, s => s.DisplayName == "node sub");
            Assert.Equal(run.SpanId, sub.ParentSpanId);
            var child = Assert.Single(trace, s => s.DisplayName == "run traced-child");
            Assert.Equal(sub.SpanId, child.ParentSpanId);
            Assert.Equal(child.SpanId, Assert.Single(trace, s => s.DisplayName == "node inner").ParentSpanId);
            // The grain call that started the run carried the request's span across the cluster client (Orleans'
            // activity propagation).
            Assert.Contains(trace, s => s.Source.Name == OrleansApplicationSource && s.ParentSpanId == requestSpan.SpanId);
            silos.Add((string)run.GetTagItem(TraceTags.Silo)!);
            silos.Add((string)child.GetTagItem(TraceTags.Silo)!);

            var read = await api.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            Assert.Equal(traceId, (string?)read!["traceId"]);
        }

        Assert.Equal(2, silos.Count);
    }

    private static bool IsRequest(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore";

    private static bool IsRun(Activity span) => span.DisplayName.StartsWith("run ", StringComparison.Ordinal);

    private static bool IsAttempt(Activity span) => span.DisplayName.StartsWith("node ", StringComparison.Ordinal);

    /// <summary>The runs API over the cluster client, on Kestrel on a free loopback port.</summary>
    private static async Task<ApiHost> StartApiAsync(IGrainFactory grains)
    {
        var port = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(grains);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        // The routes declare their roles; on this loopback host authentication is off (--auth none).
        builder.Services.AddOrchestratorSecurity();
        builder.Services.Configure<SecurityOptions>(o => o.Disabled = true);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRunsApi();
        await app.StartAsync();
        return new ApiHost(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
    }

    private sealed record ApiHost(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
        }
    }
}
