using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orchestrator.Diagnostics;

namespace Orchestrator.Silo.Telemetry;

/// <summary>The silo's OpenTelemetry: traces (the orchestrator's spans, ASP.NET Core requests, HttpClient calls, and
/// with <c>--trace-grain-calls</c> Orleans' application grain calls), metrics (the orchestrator's meters and Orleans') and logs, exported with OTLP when an
/// endpoint is configured (<c>--otlp-endpoint</c>, or OpenTelemetry's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), and
/// nothing traced at all otherwise, so that the engine's hot path pays only for a listener check.</summary>
internal static class SiloTelemetry
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> does not give one.</summary>
    public const string DefaultServiceName = "orchestrator";

    /// <summary>Orleans' source of application grain calls (its runtime's own calls, membership probes and such, stay
    /// out).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Whether anything is exported: an OTLP endpoint is configured.</summary>
    public static bool Exports(SiloHostOptions options, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(options.OtlpEndpoint) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static WebApplicationBuilder AddOrchestratorTelemetry(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        ConfigureConsole(builder.Logging, options);
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
            {
                resource.AddService(DefaultServiceName, serviceInstanceId: options.SiloName);
            }
        });
        if (!Exports(options, builder.Configuration))
        {
            return builder;
        }

        telemetry
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(OrchestratorTracing.SourceName)
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsScrape(context))
                    .AddHttpClientInstrumentation()
                    .AddProcessor(new SecretRedactingProcessor());
                if (options.TraceGrainCalls)
                {
                    tracing.AddSource(OrleansApplicationSource);
                }
            })
            .WithMetrics()
            .WithLogging(logging => { }, logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });
        if (options.OtlpEndpoint is { } endpoint)
        {
            telemetry.UseOtlpExporter(Protocol(builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]), new Uri(endpoint));
        }
        else
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The console log: one line per message, or one JSON object per line with its scopes.</summary>
    private static void ConfigureConsole(ILoggingBuilder logging, SiloHostOptions options)
    {
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (string.Equals(options.LogFormat, SiloHostOptions.JsonLogFormat, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(SiloHostBuilderExtensions.ConfigureConsole);
        }
    }

    /// <summary>Prometheus scrapes and health probes are not worth a trace each.</summary>
    private static bool IsScrape(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/api/health", StringComparison.Ordinal);

    /// <summary>OpenTelemetry's protocol setting: <c>http/protobuf</c>, else gRPC (the SDK's default).</summary>
    private static OtlpExportProtocol Protocol(string? setting) =>
        string.Equals(setting, "http/protobuf", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
}
