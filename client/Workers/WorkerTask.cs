using System.Text.Json.Nodes;
using Orchestrator.Client.Rest;
using Orchestrator.Tasks;

namespace Orchestrator.Client.Workers;

/// <summary>One claimed task, as a handler gets it: what to do, and a way to report progress.</summary>
public sealed class WorkerTask
{
    private readonly OrchestratorRestClient _client;
    private readonly Func<bool, Task> _onCancelRequested;

    internal WorkerTask(TaskClaim claim, OrchestratorRestClient client, Func<bool, Task> onCancelRequested)
    {
        Claim = claim;
        _client = client;
        _onCancelRequested = onCancelRequested;
    }

    /// <summary>The claim as the server gave it.</summary>
    public TaskClaim Claim { get; }

    public string TaskId => Claim.TaskId;

    public string Queue => Claim.Queue;

    public string RunId => Claim.RunId;

    public string Node => Claim.Node;

    public int Attempt => Claim.Attempt;

    /// <summary>A forEach element's index; null otherwise.</summary>
    public int? ItemIndex => Claim.ItemIndex;

    /// <summary>The same for this attempt wherever it runs: pass it on to what the handler calls.</summary>
    public string IdempotencyKey => Claim.IdempotencyKey;

    /// <summary>The node's rendered <c>input</c> (with <c>item</c> and <c>itemIndex</c> for a forEach element).</summary>
    public JsonNode? Input => Claim.Input;

    /// <summary>How long the claim lives without a heartbeat; the worker sends them on its own well within it.</summary>
    public TimeSpan HeartbeatTimeout => TimeSpan.FromMilliseconds(Claim.HeartbeatTimeoutMs);

    /// <summary>Sends a heartbeat now with progress <paramref name="details"/> (shown on the task queue's listing).</summary>
    public async Task HeartbeatAsync(JsonNode? details, CancellationToken cancellationToken = default)
    {
        var cancelRequested = await _client.HeartbeatTaskAsync(TaskId, details, cancellationToken).ConfigureAwait(false);
        await _onCancelRequested(cancelRequested).ConfigureAwait(false);
    }
}
