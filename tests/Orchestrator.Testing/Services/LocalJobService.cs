using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Testing.Services;

/// <summary>A real job service on a free local port, shaped like Cloud Run's: <c>POST /jobs</c> submits a job and
/// answers <c>{name}</c>; <c>GET /jobs/{id}</c> answers <c>{name, state}</c>; <c>POST /jobs/{id}/cancel</c> cancels it.
/// A job is <c>RUNNING</c> until the test ends it (<see cref="SetState"/>) or, with <see cref="EndAfterPolls"/>, until
/// it has been polled that many times.</summary>
public sealed class LocalJobService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _polls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _submitKeys = new();
    private readonly ConcurrentQueue<string> _cancelled = new();
    private int _submitted;

    private LocalJobService(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>When set, a job takes this state once it has been polled <see cref="EndAfterPolls"/> times.</summary>
    public string? EndState { get; set; }

    public int EndAfterPolls { get; set; } = 2;

    public int Submitted => Volatile.Read(ref _submitted);

    /// <summary>The <c>Idempotency-Key</c> of every submit, in order.</summary>
    public IReadOnlyList<string> SubmitKeys => [.. _submitKeys];

    /// <summary>The jobs cancelled through <c>POST /jobs/{id}/cancel</c>, in order.</summary>
    public IReadOnlyList<string> Cancelled => [.. _cancelled];

    public Pulse Requests { get; } = new();

    public int Polls(string jobId) => _polls.GetValueOrDefault(jobId);

    public string? State(string jobId) => _states.GetValueOrDefault(jobId);

    public void SetState(string jobId, string state)
    {
        _states[jobId] = state;
        Requests.Signal();
    }

    public static async Task<LocalJobService> StartAsync()
    {
        var app = LocalWebApp.Create();
        var service = new LocalJobService(app);
        app.MapPost("/jobs", (HttpContext context) =>
        {
            var id = "job-" + Interlocked.Increment(ref service._submitted).ToString(CultureInfo.InvariantCulture);
            service._states[id] = "RUNNING";
            service._submitKeys.Enqueue(context.Request.Headers["Idempotency-Key"].ToString());
            service.Requests.Signal();
            return Results.Json(new JsonObject { ["name"] = id, ["state"] = "PENDING" });
        });
        app.MapGet("/jobs/{id}", (string id) =>
        {
            if (!service._states.TryGetValue(id, out var state))
            {
                return Results.NotFound();
            }

            var polls = service._polls.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (service.EndState is { } end && polls >= service.EndAfterPolls && state == "RUNNING")
            {
                service._states[id] = state = end;
            }

            service.Requests.Signal();
            return Results.Json(new JsonObject { ["name"] = id, ["state"] = state });
        });
        app.MapPost("/jobs/{id}/cancel", (string id) =>
        {
            service._states[id] = "CANCELLED";
            service._cancelled.Enqueue(id);
            service.Requests.Signal();
            return Results.Json(new JsonObject { ["name"] = id, ["state"] = "CANCELLED" });
        });
        service.Address = await LocalWebApp.StartAsync(app);
        return service;
    }

    /// <summary>A job node's settings against this service (YAML flow mapping), polling every 50 ms up to 200 ms.</summary>
    public string NodeSettings(string extra = "") =>
        $"{{ type: job, submit: {{ url: \"{Address}jobs\", body: {{ image: demo }} }}, idPath: $.name, " +
        $"status: {{ url: \"{Address}jobs/${{job.id}}\" }}, donePath: $.state, successValues: [SUCCEEDED], failureValues: [FAILED, CANCELLED], " +
        $"pollEvery: {{ initial: 50ms, max: 200ms }}, cancel: {{ url: \"{Address}jobs/${{job.id}}/cancel\" }}{extra} }}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
