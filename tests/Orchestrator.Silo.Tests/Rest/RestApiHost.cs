using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>One silo on memory storage behind Kestrel on a free loopback port, shared by the REST tests: every request
/// goes through real HTTP, so the server's own limits apply.</summary>
public sealed class RestApiHost : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="PollAsync"/> waits for progress by default.</summary>
    public static readonly TimeSpan ProgressBound = TimeSpan.FromSeconds(10);

    public RestApiHost()
        : this(new SiloApiFactory { Storage = "memory" })
    {
    }

    /// <summary>A host of a silo set up otherwise (say, on a fake clock).</summary>
    internal RestApiHost(SiloApiFactory factory) => Factory = factory;

    public SiloApiFactory Factory { get; }

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        // An explicit listen endpoint rather than UseKestrel(0): with port 0 the factory rewrites the server's
        // addresses after the app has started binding them, a race that sometimes fails the start.
        var port = SiloProcess.FreePort();
        Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        Factory.StartServer();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(90) };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task<JsonElement> PutWorkflowAsync(string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await Client.PostAsync(Relative("/api/workflows"), content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    /// <summary>Starts a run and returns its id.</summary>
    public async Task<string> StartRunAsync(string workflow, object? input = null)
    {
        using var response = await Client.PostAsJsonAsync(Relative("/api/runs"), new { workflow, input });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("runId").GetString()!;
    }

    /// <summary>Starts a run with <c>?wait=true</c> and returns the finished run.</summary>
    public async Task<JsonElement> RunToEndAsync(string workflow, object? input = null)
    {
        using var response = await Client.PostAsJsonAsync(Relative("/api/runs?wait=true&timeout=30s"), new { workflow, input });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(Relative(path));
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ReadJsonAsync(response);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(string path, object? body = null)
    {
        using var response = body is null
            ? await Client.PostAsync(Relative(path), null)
            : await Client.PostAsJsonAsync(Relative(path), body);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>Waits (on the run's event stream, bounded) until the run has ended, and returns it.</summary>
    public async Task<JsonElement> WaitForRunEndAsync(string runId)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = TopicProviders.Get(Factory.Services, TopicProviderNames.Memory)
            .GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, runId));
        await using (await stream.SubscribeAsync(new EndObserver(ended)))
        {
            var run = await GetJsonAsync($"/api/runs/{runId}");
            if (run.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
            {
                return run;
            }

            await ended.Task.WaitAsync(Bound);
        }

        return await GetJsonAsync($"/api/runs/{runId}");
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="condition"/> holds: for progress made on its own (a
    /// loop's, a sampler's) that can only be observed. Fails after <paramref name="bound"/> (default
    /// <see cref="ProgressBound"/>).</summary>
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> condition, TimeSpan? bound = null)
    {
        var limit = bound ?? ProgressBound;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var body = await GetJsonAsync(path);
            if (condition(body))
            {
                return body;
            }

            Assert.True(watch.Elapsed < limit, $"{path} did not reach the expected state within {limit}: {body}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public static Uri Relative(string path) => new(path, UriKind.Relative);

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class EndObserver(TaskCompletionSource ended) : ITopicObserver<RunEvent>
    {
        public Task OnNextAsync(RunEvent item, TopicPosition token)
        {
            if (RunEventTypes.IsTerminal(item.Type))
            {
                ended.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
