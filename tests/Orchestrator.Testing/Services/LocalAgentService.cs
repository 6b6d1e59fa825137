using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Testing.Services;

/// <summary>A real agent service (seed 004's conductor API) on a free local port: <c>POST
/// /api/threads/{threadId}/messages</c> records the call and answers with the next scripted answer, or
/// <c>{threadId, status: "completed", result: "echo: …"}</c> when none is left.</summary>
public sealed class LocalAgentService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, JsonObject Body)> _answers = new();
    private readonly ConcurrentQueue<AgentCall> _calls = new();
    private int _hangs;
    private int _aborted;

    private LocalAgentService(WebApplication app) => _app = app;

    /// <summary>One message the service received.</summary>
    public sealed record AgentCall(string ThreadId, string? Message, long? Timeout, string IdempotencyKey);

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<AgentCall> Calls => [.. _calls];

    public Pulse Requests { get; } = new();

    /// <summary>Calls that were left hanging and that the caller then aborted.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>The next <paramref name="count"/> messages get no answer: they hang until the caller gives up.</summary>
    public void HangNext(int count = 1) => Interlocked.Add(ref _hangs, count);

    /// <summary>Queues the answer to the next message.</summary>
    public void Answer(int status, JsonObject body) => _answers.Enqueue((status, body));

    public static async Task<LocalAgentService> StartAsync()
    {
        var app = LocalWebApp.Create();
        var service = new LocalAgentService(app);
        app.MapPost("/api/threads/{threadId}/messages", async (string threadId, HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var message = body?["message"]?.GetValue<string>();
            service._calls.Enqueue(new AgentCall(threadId, message, body?["timeout"]?.GetValue<long>(), context.Request.Headers["Idempotency-Key"].ToString()));
            if (Interlocked.Decrement(ref service._hangs) >= 0)
            {
                service.Requests.Signal();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref service._aborted);
                    service.Requests.Signal();
                }

                return Results.Empty;
            }

            Interlocked.Increment(ref service._hangs);
            var (status, answer) = service._answers.TryDequeue(out var scripted)
                ? scripted
                : (200, new JsonObject { ["threadId"] = threadId, ["status"] = "completed", ["result"] = $"echo: {message}" });
            service.Requests.Signal();
            return Results.Json(answer, statusCode: status);
        });
        service.Address = await LocalWebApp.StartAsync(app);
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
