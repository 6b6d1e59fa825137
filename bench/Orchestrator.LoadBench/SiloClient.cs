using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orchestrator.LoadBench;

/// <summary>A run as the listing <c>GET /api/runs?workflow=</c> shows it.</summary>
internal sealed record RunInfo(string RunId, string Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}

/// <summary>The few routes of the HTTP API the benchmark uses, over one shared <see cref="HttpClient"/>.</summary>
internal sealed class SiloClient(HttpClient http, Target target)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public Target Target { get; } = target;

    /// <summary>Creates the client all targets share: one connection pool per server, wide enough for the concurrency.</summary>
    public static HttpClient CreateHttpClient(int concurrency, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(concurrency * 2, 16),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            Timeout = timeout,
        };

    /// <summary><c>GET /api/health</c>: null when healthy, else why not.</summary>
    public async Task<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(Uri("api/health"), cancellationToken);
            return response.IsSuccessStatusCode
                ? null
                : $"GET /api/health answered {(int)response.StatusCode}: {Snippet(await response.Content.ReadAsStringAsync(cancellationToken))}";
        }
        catch (HttpRequestException e)
        {
            return $"GET /api/health failed: {e.Message}";
        }
    }

    /// <summary><c>POST /api/workflows</c> with a JSON definition.</summary>
    public async Task PutWorkflowAsync(string definitionJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(definitionJson, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync(Uri("api/workflows"), content, cancellationToken);
        await EnsureAsync(response, "POST /api/workflows", cancellationToken);
    }

    /// <summary><c>POST /api/runs</c> with a prepared body; answers the run id.</summary>
    public async Task<string> StartRunAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync(Uri("api/runs"), content, cancellationToken);
        await EnsureAsync(response, "POST /api/runs", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.GetProperty("runId").GetString()
            ?? throw new InvalidOperationException("POST /api/runs answered no runId");
    }

    /// <summary>Every run of a workflow, through the paged listing (500 a page).</summary>
    public async Task<List<RunInfo>> ListRunsAsync(string workflow, CancellationToken cancellationToken)
    {
        var runs = new List<RunInfo>();
        string? cursor = null;
        do
        {
            var query = $"api/runs?workflow={System.Uri.EscapeDataString(workflow)}&limit=500"
                + (cursor is null ? "" : $"&cursor={System.Uri.EscapeDataString(cursor)}");
            using var response = await http.GetAsync(Uri(query), cancellationToken);
            await EnsureAsync(response, "GET /api/runs", cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                runs.Add(new RunInfo(
                    item.GetProperty("runId").GetString()!,
                    item.GetProperty("status").GetString()!,
                    item.GetProperty("createdAt").GetDateTimeOffset(),
                    item.TryGetProperty("finishedAt", out var finished) && finished.ValueKind == JsonValueKind.String
                        ? finished.GetDateTimeOffset()
                        : null));
            }

            cursor = document.RootElement.TryGetProperty("cursor", out var next) && next.ValueKind == JsonValueKind.String
                ? next.GetString()
                : null;
        }
        while (cursor is not null);

        return runs;
    }

    /// <summary>The silo's working set if <c>GET /metrics</c> exposes one (<c>process_working_set_bytes</c> or
    /// <c>dotnet_process_memory_working_set_bytes</c>); null otherwise.</summary>
    public async Task<long?> TryReadMetricsMemoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(Uri("metrics"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("process_working_set_bytes", StringComparison.Ordinal)
                    || line.StartsWith("dotnet_process_memory_working_set_bytes", StringComparison.Ordinal))
                {
                    var value = line[(line.LastIndexOf(' ') + 1)..];
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes))
                    {
                        return (long)bytes;
                    }
                }
            }

            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private Uri Uri(string relative) => new(Target.BaseAddress, relative);

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {Snippet(body)}", null, response.StatusCode);
        }
    }

    private static string Snippet(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
