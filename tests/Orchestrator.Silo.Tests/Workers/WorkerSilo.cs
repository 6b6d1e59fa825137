using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Workers;

/// <summary>A real silo process on SQLite for the remote-worker tests, which start worker processes against its URL.</summary>
public sealed class WorkerSilo : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private SiloProcess? _silo;

    public Uri Url { get; } = new($"http://127.0.0.1:{SiloProcess.FreePort()}");

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Where worker logs go.</summary>
    public string Directory => _directory.Path;

    internal string SiloOutput => _silo?.Output + _silo?.Error;

    public async Task InitializeAsync()
    {
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(90) };
        _silo = SiloProcess.Start(Directory, "--urls", Url.ToString().TrimEnd('/'), "--data-dir", Path.Combine(Directory, "data"));
        await _silo.WaitUntilHealthyAsync(Client);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        _silo?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    public async Task PutWorkflowAsync(JsonObject definition)
    {
        using var put = await Client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    public async Task<string> StartRunAsync(string workflow, JsonObject? input = null)
    {
        using var start = await Client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new JsonObject { ["workflow"] = workflow, ["input"] = input });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        return (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
    }

    /// <summary>Waits (at most 90 s) until the run has finished, and returns it.</summary>
    public async Task<JsonObject> WaitForEndAsync(string runId)
    {
        JsonObject? run = null;
        for (var i = 0; i < 1800; i++)
        {
            run = await Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            if (run?["status"]?.GetValue<string>() is "completed" or "failed" or "cancelled")
            {
                return run;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"run {runId} never ended: {run?.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}\n{SiloOutput}");
        return null!;
    }

    public async Task<JsonArray> EventsAsync(string runId) =>
        (await Client.GetFromJsonAsync<JsonArray>(new Uri($"/api/runs/{runId}/events?after=0&limit=10000", UriKind.Relative)))!;
}
