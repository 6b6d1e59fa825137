using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary>
/// <c>agent {url?, message, thread?}</c> (seed 004's conductor): sends <c>POST {url}/api/threads/{threadId}/messages</c>
/// with <c>{message, timeout}</c> (the node's <c>timeout</c> in seconds, when it has one) and outputs
/// <c>{threadId, status, result}</c> from the answer. The thread is, in order: the one an earlier attempt of the node
/// used (so a retry goes on in the same conversation), the rendered <c>thread</c>, or one per run and node
/// (<c>{runId}.{node}</c>, plus <c>.{index}</c> for a forEach element). Without a <c>url</c> the silo's
/// <c>--agent-url</c> is used.
/// </summary>
/// <remarks>The thread id and the agent's status are recorded on the node (<see cref="NodeInvocation.RecordProgressAsync"/>)
/// before the call, as <c>running</c>, and after it, as the agent answered. A non-2xx answer, a <c>status</c> of
/// <c>failed</c> or <c>error</c>, or the node's timeout fail the attempt.</remarks>
internal sealed class AgentExecutor(IHttpClientFactory clients, IOptions<NodeExecutorOptions> options) : INodeExecutor
{
    private static readonly HashSet<string> FailedStatuses = new(StringComparer.OrdinalIgnoreCase) { "failed", "error" };

    public string Type => NodeTypes.Agent;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var who = $"agent node '{invocation.Node}'";
        var baseUrl = NodeSettings.OptionalText(invocation, "url") ?? options.Value.AgentUrl?.ToString()
            ?? throw new NodeExecutionException($"{who}: it names no url and the silo has no --agent-url.");
        var message = NodeSettings.RequireText(invocation, "message");
        var threadId = ExistingThread(invocation)
            ?? (NodeSettings.OptionalText(invocation, "thread") is { Length: > 0 } thread ? thread : DefaultThread(invocation));
        var uri = OutboundCall.RequireUrl(invocation, "url", $"{baseUrl.TrimEnd('/')}/api/threads/{Uri.EscapeDataString(threadId)}/messages");

        var body = new JsonObject { ["message"] = message };
        if (invocation.Definition.Timeout is { } timeout)
        {
            body["timeout"] = (long)Math.Ceiling(Duration.Parse(timeout).TotalSeconds);
        }

        await invocation.RecordProgressAsync(Progress(threadId, "running"));
        using var request = OutboundCall.CreateRequest(invocation, "POST", uri, headers: null, body);
        var answer = await OutboundCall.SendAsync(clients.CreateClient(HttpExecutor.ClientName), request, options.Value.MaxHttpResponseBytes, who, cancellationToken);
        if (!answer.IsSuccess)
        {
            await invocation.RecordProgressAsync(Progress(threadId, "error"));
            throw new NodeExecutionException($"{who}: {OutboundCall.Describe(request)} answered {answer.Status}: {answer.Excerpt}");
        }

        var reply = answer.Body as JsonObject;
        if (reply?["threadId"] is JsonValue answeredThread && NodeSettings.ToText(answeredThread) is { Length: > 0 } id)
        {
            threadId = id;
        }

        var status = reply?["status"] is { } answeredStatus ? NodeSettings.ToText(answeredStatus) : "completed";
        await invocation.RecordProgressAsync(Progress(threadId, status));
        if (FailedStatuses.Contains(status))
        {
            var detail = reply?["error"] ?? reply?["result"];
            throw new NodeExecutionException(
                $"{who}: the agent answered status '{status}' on thread {threadId}" + (detail is null ? "." : $": {NodeSettings.ToText(detail)}"));
        }

        return NodeOutcome.Of(new JsonObject
        {
            ["threadId"] = threadId,
            ["status"] = status,
            ["result"] = reply is null ? answer.Body?.DeepClone() : reply["result"]?.DeepClone(),
        });
    }

    private static JsonObject Progress(string threadId, string status) => new() { ["threadId"] = threadId, ["status"] = status };

    private static string? ExistingThread(NodeInvocation invocation) =>
        invocation.Progress?["threadId"] is JsonValue thread && NodeSettings.ToText(thread) is { Length: > 0 } id ? id : null;

    private static string DefaultThread(NodeInvocation invocation) =>
        invocation.ItemIndex is { } index
            ? string.Create(CultureInfo.InvariantCulture, $"{invocation.RunId}.{invocation.Node}.{index}")
            : $"{invocation.RunId}.{invocation.Node}";
}
