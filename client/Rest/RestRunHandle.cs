using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Client.Rest;

/// <summary>A run reached over HTTP.</summary>
internal sealed class RestRunHandle(OrchestratorRestClient client, string runId) : IRunHandle
{
    private string Path => $"api/runs/{Uri.EscapeDataString(runId)}";

    public string RunId => runId;

    public Task<RunSnapshot> GetAsync(CancellationToken cancellationToken = default) =>
        client.SendAsync<RunSnapshot>(HttpMethod.Get, Path, null, cancellationToken);

    public async Task<RunSnapshot> WaitAsync(CancellationToken cancellationToken = default)
    {
        var run = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (run.Status.IsFinished())
        {
            return run;
        }

        await foreach (var _ in EventsAsync(0, cancellationToken).ConfigureAwait(false))
        {
        }

        return await GetAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<RunSnapshot> SignalAsync(string? name, JsonNode? data, CancellationToken cancellationToken = default) =>
        PostAsync("signal", new JsonObject { ["name"] = name, ["data"] = data?.DeepClone() }, cancellationToken);

    public Task<RunSnapshot> CancelAsync(string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync("cancel", new JsonObject { ["reason"] = reason }, cancellationToken);

    public Task<RunSnapshot> PauseAsync(CancellationToken cancellationToken = default) => PostAsync("pause", null, cancellationToken);

    public Task<RunSnapshot> ResumeAsync(CancellationToken cancellationToken = default) => PostAsync("resume", null, cancellationToken);

    public IAsyncEnumerable<RunEvent> EventsAsync(long after = 0, CancellationToken cancellationToken = default) =>
        EventFollower.FollowAsync(
            async (from, count, token) => await client.SendAsync<RunEvent[]>(
                HttpMethod.Get, $"{Path}/events?after={from}&limit={count}", null, token).ConfigureAwait(false),
            async token => (await GetAsync(token).ConfigureAwait(false)).Status.IsFinished(),
            after,
            cancellationToken);

    private Task<RunSnapshot> PostAsync(string action, JsonObject? body, CancellationToken cancellationToken) =>
        client.SendAsync<RunSnapshot>(
            HttpMethod.Post, $"{Path}/{action}", body is null ? null : JsonContent.Create(body, options: OrchestratorRestClient.Json), cancellationToken);
}
