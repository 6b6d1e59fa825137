using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Client.Rest;

/// <summary>
/// The orchestrator over HTTP, for services that cannot join the cluster: workflows and run handles with the same
/// operations as the grain client. A refused request throws <see cref="OrchestratorApiException"/> with the server's
/// problem; an unreachable server, <see cref="OrchestratorUnavailableException"/>.
/// </summary>
public sealed partial class OrchestratorRestClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    /// <summary>A client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the server's
    /// (e.g. <c>http://127.0.0.1:8080/</c>).</summary>
    public OrchestratorRestClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the server's URL).", nameof(http));
        }

        _http = http;
    }

    /// <summary>Stores a workflow from its YAML or JSON text; returns its name and version and whether a new version
    /// was created.</summary>
    public async Task<RestWorkflowVersion> PutWorkflowAsync(string definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var content = DefinitionContent(definition);
        return await SendAsync<RestWorkflowVersion>(HttpMethod.Post, "api/workflows", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a run; with an <paramref name="idempotencyKey"/>, starting again with the same key returns the
    /// same run.</summary>
    public async Task<IRunHandle> StartRunAsync(
        string workflow, JsonNode? input = null, string? idempotencyKey = null, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflow);
        var body = new JsonObject
        {
            ["workflow"] = workflow,
            ["version"] = version,
            ["input"] = input?.DeepClone(),
            ["idempotencyKey"] = idempotencyKey,
            ["triggeredBy"] = Trigger,
        };
        var started = await SendAsync<JsonObject>(HttpMethod.Post, "api/runs", JsonContent.Create(body, options: Json), cancellationToken).ConfigureAwait(false);
        var runId = started["runId"]?.GetValue<string>() ?? throw new OrchestratorApiException("The server answered a run start without a runId.");
        return new RestRunHandle(this, runId);
    }

    /// <summary>A handle on an existing run.</summary>
    public IRunHandle Run(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return new RestRunHandle(this, runId);
    }

    /// <summary>What runs this client starts say started them (the CLI passes <c>cli</c>).</summary>
    public string Trigger { get; init; } = "client";

    internal async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new OrchestratorApiException($"{method} {path} answered {(int)response.StatusCode} without a body.");
    }

    /// <summary>Sends a request whose success has no body (204).</summary>
    internal async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(method, path, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OrchestratorUnavailableException($"The orchestrator at {_http.BaseAddress} did not answer: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OrchestratorUnavailableException($"The orchestrator at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s.", e);
        }
    }

    private static async Task<OrchestratorApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonObject? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<JsonObject>(Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // Not a problem body (a proxy's error page, say): the status alone is reported.
        }

        var errors = problem?["errors"] is JsonArray list
            ? list.OfType<JsonObject>().Select(e => new ApiFieldError(
                e["path"]?.GetValue<string>() ?? "",
                e["message"]?.GetValue<string>() ?? "",
                e["line"]?.GetValue<int?>(),
                e["column"]?.GetValue<int?>())).ToArray()
            : [];
        return new OrchestratorApiException(
            response.StatusCode,
            problem?["title"]?.GetValue<string>() ?? response.ReasonPhrase,
            problem?["detail"]?.GetValue<string>(),
            problem?["field"]?.GetValue<string>(),
            errors);
    }

}

/// <summary>A stored workflow version, as the server answers <c>POST /api/workflows</c>.</summary>
public sealed record RestWorkflowVersion(string Name, int Version, string ContentHash, bool Created);
