using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Tasks;

namespace Orchestrator.Client.Rest;

public sealed partial class OrchestratorRestClient
{
    /// <summary>Claims the task of <paramref name="queue"/> that has been ready longest for <paramref name="worker"/>,
    /// waiting up to <paramref name="wait"/> (at most 60 s) for one; null when none came. The client's
    /// <see cref="HttpClient.Timeout"/> must exceed the wait.</summary>
    public async Task<TaskClaim?> ClaimTaskAsync(string queue, string worker, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        var body = new JsonObject
        {
            ["worker"] = worker,
            ["wait"] = string.Create(CultureInfo.InvariantCulture, $"{(long)wait.TotalMilliseconds}ms"),
        };
        using var response = await SendCheckedAsync(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(queue)}/claim", JsonContent.Create(body, options: Json), cancellationToken)
            .ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NoContent
            ? null
            : await response.Content.ReadFromJsonAsync<TaskClaim>(Json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a heartbeat for a claimed task, with optional progress <paramref name="details"/>; true when the
    /// task's run or node was cancelled and the worker should stop. A task that ended or whose claim lapsed answers 409
    /// (<see cref="OrchestratorApiException"/>).</summary>
    public async Task<bool> HeartbeatTaskAsync(string taskId, JsonNode? details = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var reply = await SendAsync<TaskHeartbeatReply>(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/heartbeat",
            JsonContent.Create(new JsonObject { ["details"] = details?.DeepClone() }, options: Json), cancellationToken).ConfigureAwait(false);
        return reply.CancelRequested;
    }

    /// <summary>Completes a claimed task with <paramref name="output"/> (the node's output). A claim that was taken over
    /// answers 409 (<see cref="OrchestratorApiException"/>) and changes nothing.</summary>
    public Task CompleteTaskAsync(string taskId, JsonNode? output, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return SendAsync(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/complete",
            JsonContent.Create(new JsonObject { ["output"] = output?.DeepClone() }, options: Json), cancellationToken);
    }

    /// <summary>Fails a claimed task with <paramref name="error"/>; the node's retry policy decides what follows.</summary>
    public Task FailTaskAsync(string taskId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return SendAsync(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/fail",
            JsonContent.Create(new JsonObject { ["error"] = error }, options: Json), cancellationToken);
    }
}
