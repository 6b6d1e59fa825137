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

/// <summary>Activations on a silo (<c>GET /api/grains</c>): in all, and per grain type.</summary>
internal sealed record GrainCounts(int Activations, IReadOnlyList<KeyValuePair<string, int>> ByType)
{
    /// <summary>Activations of the grain type named exactly <paramref name="type"/>.</summary>
    public int OfType(string type) => ByType.Where(t => t.Key == type).Sum(t => t.Value);

    /// <summary>Activations of the grain types whose name contains the text (case-insensitive), added up.</summary>
    public int OfTypesContaining(string text) =>
        ByType.Where(t => t.Key.Contains(text, StringComparison.OrdinalIgnoreCase)).Sum(t => t.Value);

    /// <summary>Those types one by one, <c>type=count</c>.</summary>
    public string DescribeTypesContaining(string text) =>
        string.Join(", ", ByType.Where(t => t.Key.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(t => $"{t.Key}={t.Value}"));
}

/// <summary>The few routes of the HTTP API the benchmark uses, over one shared <see cref="HttpClient"/>. With several
/// addresses (silos of one cluster), runs are submitted round robin over them and each listing goes to the next one.</summary>
internal sealed class SiloClient(HttpClient http, Target target)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private int _nextStart = -1;
    private int _nextListing = -1;

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

    /// <summary><c>GET /api/health</c> of every address: null when all are healthy, else why the first one is not.</summary>
    public async Task<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        foreach (var address in Target.BaseAddresses)
        {
            var where = Target.BaseAddresses.Count > 1 ? $" of {address}" : "";
            try
            {
                using var response = await http.GetAsync(new Uri(address, "api/health"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return $"GET /api/health{where} answered {(int)response.StatusCode}: {Snippet(await response.Content.ReadAsStringAsync(cancellationToken))}";
                }
            }
            catch (HttpRequestException e)
            {
                return $"GET /api/health{where} failed: {e.Message}";
            }
        }

        return null;
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
        using var response = await http.PostAsync(new Uri(NextAddress(ref _nextStart), "api/runs"), content, cancellationToken);
        await EnsureAsync(response, "POST /api/runs", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.GetProperty("runId").GetString()
            ?? throw new InvalidOperationException("POST /api/runs answered no runId");
    }

    /// <summary><c>POST /api/runs?wait=true</c> with a prepared body: the run as the answer shows it, finished (200) or,
    /// when the silo's wait ran out first, as it was then (202).</summary>
    public async Task<RunInfo> StartRunAndWaitAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync(new Uri(NextAddress(ref _nextStart), "api/runs?wait=true"), content, cancellationToken);
        await EnsureAsync(response, "POST /api/runs?wait=true", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return ReadRun(document.RootElement);
    }

    /// <summary><c>POST /api/runs/{id}/cancel</c>: true when the run is now cancelled, false when it had already
    /// completed or failed (409).</summary>
    public async Task<bool> CancelRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(
            new Uri(NextAddress(ref _nextStart), $"api/runs/{System.Uri.EscapeDataString(runId)}/cancel"), content: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureAsync(response, "POST /api/runs/{id}/cancel", cancellationToken);
        return true;
    }

    /// <summary>The text of <c>GET /metrics</c> (Prometheus text format) of the first address.</summary>
    public async Task<string> ReadMetricsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Uri("metrics"), cancellationToken);
        await EnsureAsync(response, "GET /metrics", cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary><c>GET /api/grains</c> of the first address: the silo's activations in all, and by grain type.</summary>
    public async Task<GrainCounts> ReadGrainsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Uri("api/grains"), cancellationToken);
        await EnsureAsync(response, "GET /api/grains", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = document.RootElement;
        var byType = new List<KeyValuePair<string, int>>();
        foreach (var item in root.GetProperty("items").EnumerateArray())
        {
            byType.Add(new(item.GetProperty("grainType").GetString() ?? "?", item.GetProperty("activations").GetInt32()));
        }

        return new GrainCounts(root.GetProperty("activations").GetInt32(), byType);
    }

    /// <summary>Every run of a workflow, through the paged listing (500 a page), every page from the same address.</summary>
    public async Task<List<RunInfo>> ListRunsAsync(string workflow, CancellationToken cancellationToken)
    {
        var address = NextAddress(ref _nextListing);
        var runs = new List<RunInfo>();
        string? cursor = null;
        do
        {
            var query = $"api/runs?workflow={System.Uri.EscapeDataString(workflow)}&limit=500"
                + (cursor is null ? "" : $"&cursor={System.Uri.EscapeDataString(cursor)}");
            using var response = await http.GetAsync(new Uri(address, query), cancellationToken);
            await EnsureAsync(response, "GET /api/runs", cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                runs.Add(ReadRun(item));
            }

            cursor = document.RootElement.TryGetProperty("cursor", out var next) && next.ValueKind == JsonValueKind.String
                ? next.GetString()
                : null;
        }
        while (cursor is not null);

        return runs;
    }

    /// <summary><c>GET /api/runs/{id}</c> through the next address in turn; null when the run is not found.</summary>
    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(NextAddress(ref _nextListing), $"api/runs/{System.Uri.EscapeDataString(runId)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, "GET /api/runs/{id}", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return ReadRun(document.RootElement);
    }

    /// <summary>The <c>error</c> of <c>GET /api/runs/{id}</c> (why a run failed); null when it has none.</summary>
    public async Task<string?> GetRunErrorAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(NextAddress(ref _nextListing), $"api/runs/{System.Uri.EscapeDataString(runId)}"), cancellationToken);
        await EnsureAsync(response, "GET /api/runs/{id}", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null;
    }

    /// <summary>The silos' working set, summed over the addresses, if <c>GET /metrics</c> of each exposes one
    /// (<c>process_working_set_bytes</c> or <c>dotnet_process_memory_working_set_bytes</c>); null otherwise.</summary>
    public async Task<long?> TryReadMetricsMemoryAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var address in Target.BaseAddresses)
        {
            if (await TryReadMetricsMemoryAsync(address, cancellationToken) is not { } bytes)
            {
                return null;
            }

            total += bytes;
        }

        return total;
    }

    private async Task<long?> TryReadMetricsMemoryAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(address, "metrics"), cancellationToken);
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

    private static RunInfo ReadRun(JsonElement run) => new(
        run.GetProperty("runId").GetString()!,
        run.GetProperty("status").GetString()!,
        run.GetProperty("createdAt").GetDateTimeOffset(),
        run.TryGetProperty("finishedAt", out var finished) && finished.ValueKind == JsonValueKind.String
            ? finished.GetDateTimeOffset()
            : null);

    /// <summary>The next address in turn: round robin over the target's addresses.</summary>
    private Uri NextAddress(ref int counter)
    {
        var addresses = Target.BaseAddresses;
        return addresses.Count == 1 ? addresses[0] : addresses[(int)((uint)Interlocked.Increment(ref counter) % (uint)addresses.Count)];
    }

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
