using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orchestrator.Diagnostics;
using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Diagnostics;

/// <summary>An engine silo with OpenTelemetry recording the orchestrator's spans through the in-memory exporter.</summary>
public sealed class TracedEngine : IAsyncLifetime
{
    private TracerProvider? _tracing;

    public SpanCollection Spans { get; } = new();

    internal EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _tracing = StartTracing(Spans);
        Host = await EngineHost.StartAsync(engine: options => options.TraceLoopEvery = 1);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _tracing?.Dispose();
    }

    /// <summary>A tracer provider exporting the orchestrator's spans to <paramref name="spans"/>.</summary>
    public static TracerProvider StartTracing(SpanCollection spans) =>
        Sdk.CreateTracerProviderBuilder().AddSource(OrchestratorTracing.SourceName).AddInMemoryExporter(spans).Build();

    /// <summary>A random W3C <c>traceparent</c> of a sampled span, as a request's would be.</summary>
    public static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
}
