using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Testing.Services;

namespace Orchestrator.Grains.Tests.Nodes;

/// <summary>A real Kestrel server on a free local port with the endpoints the http executor tests call.</summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalHttpServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Completed when <c>/slow</c> has received a request.</summary>
    public TaskCompletionSource SlowRequestStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the client aborted the <c>/slow</c> request.</summary>
    public TaskCompletionSource SlowRequestAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Url(string path) => new(Address, path);

    public static async Task<LocalHttpServer> StartAsync()
    {
        var app = LocalWebApp.Create();
        LocalHttpServer? server = null;
        app.Map("/echo", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var echo = new JsonObject
            {
                ["method"] = context.Request.Method,
                ["query"] = context.Request.QueryString.Value,
                ["idempotencyKey"] = context.Request.Headers["Idempotency-Key"].ToString(),
                ["custom"] = context.Request.Headers["X-Custom"].ToString(),
                ["traceparent"] = context.Request.Headers["traceparent"].ToString(),
                ["contentType"] = context.Request.ContentType,
                ["body"] = body,
            };
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(echo.ToJsonString(), context.RequestAborted);
        });
        app.Map("/status/{code:int}", async context =>
        {
            var code = int.Parse((string)context.Request.RouteValues["code"]!, System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = code;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"status {code}: something is wrong here", context.RequestAborted);
        });
        app.Map("/problem", async context =>
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"title":"not found","status":404}""", context.RequestAborted);
        });
        app.Map("/empty", context =>
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.Map("/large", async context =>
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(new string('x', 10_000), context.RequestAborted);
        });
        app.Map("/slow", async context =>
        {
            server!.SlowRequestStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                server.SlowRequestAborted.TrySetResult();
            }
        });
        server = new LocalHttpServer(app, await LocalWebApp.StartAsync(app));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
