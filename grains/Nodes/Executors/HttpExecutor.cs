using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Definitions;

namespace Orchestrator.Nodes.Executors;

/// <summary>
/// <c>http {method, url, headers?, body?}</c>: sends one request and outputs <c>{status, body}</c>, the body parsed as
/// JSON when the response says it is JSON, else as text (null when empty). A mapping or list body is sent as JSON, a
/// string body as <c>text/plain</c> (a <c>Content-Type</c> header overrides either). The request carries
/// <c>Idempotency-Key: runId/node/iteration/attempt</c> unless the definition sets that header itself.
/// </summary>
/// <remarks>A 5xx status or a network error fails the attempt (so the node's retry policy applies); a 4xx status does
/// <em>not</em>: the node completes and its output carries the status, for an edge's <c>when</c> or a later node to
/// act on. Cancellation (run cancelled, attempt timed out) aborts the request. A response body larger than
/// <see cref="NodeExecutorOptions.MaxHttpResponseBytes"/> fails the attempt.</remarks>
internal sealed class HttpExecutor(IHttpClientFactory clients, IOptions<NodeExecutorOptions> options) : INodeExecutor
{
    /// <summary>The name of the <see cref="HttpClient"/> the executor gets from <see cref="IHttpClientFactory"/>.</summary>
    public const string ClientName = "Orchestrator.Nodes.Http";

    private const int ExcerptLength = 500;

    public string Type => NodeTypes.Http;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var method = NodeSettings.RequireText(invocation, "method").Trim().ToUpperInvariant();
        var url = NodeSettings.RequireText(invocation, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new NodeExecutionException($"http node '{invocation.Node}': '{url}' is not an absolute http or https URL.");
        }

        // Query strings may carry secrets; messages name the endpoint without them.
        var target = $"{method} {uri.GetLeftPart(UriPartial.Path)}";
        using var request = CreateRequest(invocation, method, uri);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new NodeExecutionException($"http node '{invocation.Node}': {target} failed: {exception.Message}", exception);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var maxBytes = options.Value.MaxHttpResponseBytes;
            CappedContent content;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                content = await CappedContent.ReadAsync(stream, maxBytes, drain: false, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new NodeExecutionException($"http node '{invocation.Node}': {target} answered {status} but reading the body failed: {exception.Message}", exception);
            }

            var text = Decode(content.Bytes, response.Content.Headers.ContentType);
            if (status >= 500)
            {
                var excerpt = text.Length > ExcerptLength ? text[..ExcerptLength] + "…" : text;
                throw new NodeExecutionException(
                    $"http node '{invocation.Node}': {target} answered {status} {response.ReasonPhrase}: {(excerpt.Length == 0 ? "(empty body)" : excerpt)}");
            }

            if (content.Truncated)
            {
                throw new NodeExecutionException(
                    $"http node '{invocation.Node}': {target} answered {status} with a body larger than {maxBytes} bytes, the most an http node reads.");
            }

            return NodeOutcome.Of(new JsonObject
            {
                ["status"] = status,
                ["body"] = ParseBody(text, response.Content.Headers.ContentType),
            });
        }
    }

    private static HttpRequestMessage CreateRequest(NodeInvocation invocation, string method, Uri uri) =>
        OutboundCall.CreateRequest(
            invocation,
            method,
            uri,
            NodeSettings.OptionalObject(invocation, "headers"),
            invocation.Config.TryGetPropertyValue("body", out var body) ? body : null);

    private static string Decode(byte[] bytes, MediaTypeHeaderValue? contentType)
    {
        var encoding = Encoding.UTF8;
        if (contentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset reads as UTF-8, the web's default.
            }
        }

        return encoding.GetString(bytes);
    }

    private static JsonNode? ParseBody(string text, MediaTypeHeaderValue? contentType)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var mediaType = contentType?.MediaType ?? "";
        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (isJson)
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
