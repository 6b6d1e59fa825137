using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Diagnostics;

namespace Orchestrator.Nodes.Executors;

/// <summary>One request of an <c>agent</c> or <c>job</c> node: sent through the <c>http</c> nodes' client (and so
/// through <see cref="OutboundGuard"/>), carrying the attempt's <c>Idempotency-Key</c> and <c>traceparent</c>, its
/// answer read up to <see cref="NodeExecutorOptions.MaxHttpResponseBytes"/> and parsed as JSON when it is JSON.</summary>
internal static class OutboundCall
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int ExcerptLength = 500;

    /// <summary>An answer: its status, its body parsed (JSON, else text, null when empty) and an excerpt for messages.</summary>
    public sealed record Answer(int Status, JsonNode? Body, string Excerpt)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    /// <summary>Builds a request; <paramref name="fill"/> rewrites each header value (fills <c>${job.id}</c>).</summary>
    public static HttpRequestMessage CreateRequest(NodeInvocation invocation, string method, Uri uri, JsonObject? headers, JsonNode? body, Func<string, string>? fill = null)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            request.Content = body is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? new StringContent(NodeSettings.ToText(value), Encoding.UTF8, "text/plain")
                : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? [])
        {
            var text = NodeSettings.ToText(value);
            text = fill is null ? text : fill(text);
            if (!request.Headers.TryAddWithoutValidation(name, text) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, text);
            }
        }

        if (!request.Headers.Contains(IdempotencyKeyHeader))
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, invocation.IdempotencyKey);
        }

        if (!request.Headers.Contains(OrchestratorTracing.TraceParentHeader) && invocation.OutgoingTraceParent is { } traceParent)
        {
            request.Headers.TryAddWithoutValidation(OrchestratorTracing.TraceParentHeader, traceParent);
        }

        return request;
    }

    /// <summary>An absolute http or https URL, or a failure naming the node and the setting.</summary>
    public static Uri RequireUrl(NodeInvocation invocation, string setting, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new NodeExecutionException($"{invocation.Definition.Type} node '{invocation.Node}': {setting} '{url}' is not an absolute http or https URL.");

    /// <summary>How a request is named in messages: its method and URL without the query (which may hold secrets).</summary>
    public static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)}";

    /// <summary>Sends <paramref name="request"/> and reads its answer. A network error or a body over the limit throws
    /// <see cref="NodeExecutionException"/>; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request, int maxBytes, string who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var target = Describe(request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new NodeExecutionException($"{who}: {target} failed: {exception.Message}", exception);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            CappedContent content;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                content = await CappedContent.ReadAsync(stream, maxBytes, drain: false, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new NodeExecutionException($"{who}: {target} answered {status} but reading the body failed: {exception.Message}", exception);
            }

            if (content.Truncated)
            {
                throw new NodeExecutionException($"{who}: {target} answered {status} with a body larger than {maxBytes} bytes, the most a node reads.");
            }

            var text = Encoding.UTF8.GetString(content.Bytes);
            var excerpt = text.Length > ExcerptLength ? text[..ExcerptLength] + "…" : text;
            return new Answer(status, Parse(text, response.Content.Headers.ContentType), excerpt.Length == 0 ? "(empty body)" : excerpt);
        }
    }

    private static JsonNode? Parse(string text, MediaTypeHeaderValue? contentType)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var mediaType = contentType?.MediaType ?? "";
        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // A body that says it is JSON but is not is kept as the text it is.
            }
        }

        return JsonValue.Create(text);
    }
}
