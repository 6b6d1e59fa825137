using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Silo.Tests.Telemetry;

/// <summary>A real HTTP server on a free loopback port standing in for an OpenTelemetry collector: it answers every POST
/// with 200 and keeps what was posted (path, content type, body), with a wait for a post a test expects.</summary>
internal sealed class LocalCollector : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<Export> _exports = [];
    private readonly List<(Func<Export, bool> Match, TaskCompletionSource<Export> Found)> _waiters = [];

    private LocalCollector(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base address, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public Uri Address { get; }

    public static async Task<LocalCollector> StartAsync()
    {
        var port = SiloProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var collector = new LocalCollector(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            collector.Received(new Export(context.Request.Path.Value ?? "", context.Request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        return collector;
    }

    /// <summary>Every post so far.</summary>
    public IReadOnlyList<Export> Exports
    {
        get
        {
            lock (_lock)
            {
                return [.. _exports];
            }
        }
    }

    /// <summary>Waits (bounded) for a post that matches, and returns it.</summary>
    public async Task<Export> WaitForAsync(string what, Func<Export, bool> match)
    {
        TaskCompletionSource<Export> found;
        lock (_lock)
        {
            if (_exports.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            found = new TaskCompletionSource<Export>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            string posted;
            lock (_lock)
            {
                posted = string.Join(", ", _exports.Select(x => $"{x.Path} ({x.ContentType}, {x.Body.Length} bytes)"));
            }

            throw new TimeoutException($"No {what} arrived; posted: {posted}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Received(Export export)
    {
        lock (_lock)
        {
            _exports.Add(export);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(export))
                {
                    _waiters[i].Found.TrySetResult(export);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>One post.</summary>
    public sealed record Export(string Path, string? ContentType, byte[] Body)
    {
        /// <summary>Whether the body holds these bytes (a trace id is 16 raw bytes in OTLP's protobuf).</summary>
        public bool Holds(byte[] bytes) => Body.AsSpan().IndexOf(bytes) >= 0;
    }
}
