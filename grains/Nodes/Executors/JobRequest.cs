using System.Text.Json.Nodes;

namespace Orchestrator.Nodes.Executors;

/// <summary>One of a <c>job</c> node's requests (<c>submit</c>, <c>status</c>, <c>cancel</c>): method, URL, headers
/// and (submit only) body, rendered, with <c>${job.id}</c> still to fill in.</summary>
internal sealed record JobRequest(string Setting, string Method, string Url, JsonObject? Headers, JsonNode? Body)
{
    /// <summary>The request <paramref name="setting"/> names, or null when the node has none.</summary>
    public static JobRequest? Read(NodeInvocation invocation, string setting, string defaultMethod)
    {
        switch (invocation.Config[setting])
        {
            case null:
                return null;
            case JsonObject request:
                var url = request["url"] is { } u ? NodeSettings.ToText(u) : "";
                if (url.Length == 0)
                {
                    throw new NodeExecutionException($"job node '{invocation.Node}': {setting}.url is required.");
                }

                return new JobRequest(
                    setting,
                    request["method"] is { } method ? NodeSettings.ToText(method).Trim().ToUpperInvariant() : defaultMethod,
                    url,
                    request["headers"] as JsonObject,
                    request["body"]?.DeepClone());
            case var other:
                throw new NodeExecutionException($"job node '{invocation.Node}': {setting} must be a mapping, not {other.ToJsonString()}.");
        }
    }

    /// <summary>The request for job <paramref name="jobId"/> (null before there is one: the submit).</summary>
    public HttpRequestMessage Create(NodeInvocation invocation, string? jobId)
    {
        var url = jobId is null ? Url : JobIdPlaceholder.FillUrl(Url, jobId);
        var uri = OutboundCall.RequireUrl(invocation, $"{Setting}.url", url);
        return OutboundCall.CreateRequest(invocation, Method, uri, Headers, Body, jobId is null ? null : text => JobIdPlaceholder.Fill(text, jobId));
    }
}
