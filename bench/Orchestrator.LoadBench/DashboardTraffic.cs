using System.Net.WebSockets;
using System.Text.Json;

namespace Orchestrator.LoadBench;

/// <summary>The traffic of open dashboards, simulated by this client rather than browsers: each dashboard is two tabs,
/// the overview and a run's page, making the calls the dashboard's pages make (dashboard/assets/pages/overview.js and
/// runs.js). The overview reads its eight routes at once, again every 10 s. The run page reads the run and its workflow
/// version, follows the run's event socket, and reads the run again 150 ms after events arrive (one read per burst);
/// when the run has ended (its socket stays open, as the page's does), the tab stays on it for <see cref="Dwell"/>, then
/// goes to the runs page and opens the newest run, as someone watching the work would.
/// With several silos, dashboards are spread over them.</summary>
internal sealed class DashboardTraffic : IAsyncDisposable
{
    /// <summary>The overview's reads, as overview.js makes them.</summary>
    private static readonly string[] OverviewReads =
    [
        "api/stats/runs?window=1h",
        "api/stats/runs?window=24h",
        "api/stats/nodes?window=1h",
        "api/runs?limit=20",
        "api/errors?status=unresolved&limit=10",
        "api/loops?limit=20",
        "api/queues",
        "api/silos",
    ];

    private static readonly TimeSpan OverviewEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RefreshDelay = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Dwell = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tabs = [];
    private long _reads;
    private long _events;
    private long _failures;

    private DashboardTraffic(HttpClient http) => _http = http;

    /// <summary>HTTP reads made so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Run events received over the sockets so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Reads or sockets that failed (a read answered with an error, a socket that could not open).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Opens <paramref name="dashboards"/> dashboards on the target's silos, round robin.</summary>
    public static DashboardTraffic Start(HttpClient http, Target target, int dashboards)
    {
        var traffic = new DashboardTraffic(http);
        for (var i = 0; i < dashboards; i++)
        {
            var address = target.BaseAddresses[i % target.BaseAddresses.Count];
            traffic._tabs.Add(Task.Run(() => traffic.OverviewAsync(address)));
            traffic._tabs.Add(Task.Run(() => traffic.RunPageAsync(address)));
        }

        return traffic;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tabs);
        _stop.Dispose();
    }

    public override string ToString() => $"{Reads:N0} reads, {Events:N0} run events over sockets, {Failures:N0} failures";

    private async Task OverviewAsync(Uri address)
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.WhenAll(OverviewReads.Select(path => ReadAsync(address, path, token)));
                await Task.Delay(OverviewEvery, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task RunPageAsync(Uri address)
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // The runs page, then its newest run.
                using var runs = await ReadAsync(address, "api/runs?limit=50", token);
                var newest = runs?.RootElement.GetProperty("items").EnumerateArray().FirstOrDefault();
                if (newest is not { ValueKind: JsonValueKind.Object } run)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), token);
                    continue;
                }

                await FollowRunAsync(address, run.GetProperty("runId").GetString()!, run.GetProperty("workflow").GetString()!,
                    run.GetProperty("version").GetInt32(), token);
                await Task.Delay(Dwell, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>The run page: the run and its workflow version, then the event socket until the run ends, reading the
    /// run again after each burst of events.</summary>
    private async Task FollowRunAsync(Uri address, string runId, string workflow, int version, CancellationToken token)
    {
        var runPath = $"api/runs/{Uri.EscapeDataString(runId)}";
        (await ReadAsync(address, runPath, token))?.Dispose();
        (await ReadAsync(address, $"api/workflows/{Uri.EscapeDataString(workflow)}?version={version}", token))?.Dispose();
        using var socket = new ClientWebSocket();
        var socketUri = new UriBuilder(new Uri(address, $"{runPath}/events?after=0")) { Scheme = address.Scheme == "https" ? "wss" : "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(socketUri, token);
        }
        catch (WebSocketException)
        {
            Interlocked.Increment(ref _failures);
            await Task.Delay(TimeSpan.FromSeconds(1), token);
            return;
        }

        Task? refresh = null;
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        var ended = false;
        while (!ended && socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await socket.ReceiveAsync(buffer, token);
            }
            catch (WebSocketException)
            {
                Interlocked.Increment(ref _failures);
                break;
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            Interlocked.Increment(ref _events);
            ended = EndsRun(message.GetBuffer().AsSpan(0, (int)message.Length));
            message.SetLength(0);
            if (refresh is null || refresh.IsCompleted)
            {
                refresh = RefreshAsync(address, runPath, token);
            }
        }

        if (refresh is not null)
        {
            await refresh;
        }
    }

    /// <summary>True for the event that ends a run (the page then shows it finished; the viewer moves on).</summary>
    private static bool EndsRun(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                return reader.ValueTextEquals("run.completed"u8) || reader.ValueTextEquals("run.failed"u8) || reader.ValueTextEquals("run.cancelled"u8);
            }

            if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return false;
    }

    private async Task RefreshAsync(Uri address, string runPath, CancellationToken token)
    {
        await Task.Delay(RefreshDelay, token);
        (await ReadAsync(address, runPath, token))?.Dispose();
    }

    private async Task<JsonDocument?> ReadAsync(Uri address, string path, CancellationToken token)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(address, path), token);
            Interlocked.Increment(ref _reads);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _failures);
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(token);
            return await JsonDocument.ParseAsync(stream, cancellationToken: token);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _failures);
            return null;
        }
    }
}
