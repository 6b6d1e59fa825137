using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Streams;

public sealed class RunEventStreamTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    [Fact]
    public async Task RunEventSocket_SendsEverySeqOnceInOrder_WhenEventsLandDuringTheReplay()
    {
        // Two events per replay read, so the replay of a busy run is long and the run keeps publishing under it.
        await using var replaying = await KestrelSilo.StartAsync(o => o.ReplayPageSize = 2);
        using var client = replaying.CreateClient();
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.PacedLoop, "paced-loop", new JsonObject { ["limit"] = 600 });
        while (await StreamGraphs.EventCountAsync(client, runId) < 60)
        {
            await Task.Delay(10);
        }

        await using var early = await replaying.ConnectAsync($"/api/runs/{runId}/events");
        var persistedAtConnect = await StreamGraphs.EventCountAsync(client, runId);
        await using var late = await replaying.ConnectAsync($"/api/runs/{runId}/events?after=40");
        var fromStart = await early.ReceiveUntilAsync(IsRunEnd);
        var fromForty = await late.ReceiveUntilAsync(IsRunEnd);

        var total = await StreamGraphs.EventCountAsync(client, runId);
        Assert.True(total > persistedAtConnect + 100, $"the run had {persistedAtConnect} of {total} events when the replay began");
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), fromStart.Select(e => (long)e["seq"]!));
        Assert.Equal(Enumerable.Range(41, total - 40).Select(i => (long)i), fromForty.Select(e => (long)e["seq"]!));
        var last = fromStart[^1];
        Assert.Equal("run.completed", (string?)last["type"]);
        Assert.Equal(runId, (string?)last["runId"]);
        Assert.Equal(600, (int?)last["data"]!["state"]!["n"]);
    }

    [Fact]
    public async Task RunEventSocket_AndGetOnTheSameRoute_AnswerTheSameEvents()
    {
        using var client = silo.CreateClient();
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 3 });
        await using var socket = await silo.ConnectAsync($"/api/runs/{runId}/events");
        var streamed = await socket.ReceiveUntilAsync(IsRunEnd);

        var logged = await client.GetFromJsonAsync<JsonArray>($"/api/runs/{runId}/events");

        Assert.Equal(logged!.Select(e => e!.ToJsonString()), streamed.Select(e => e.ToJsonString()));
    }

    [Theory]
    [InlineData("/api/runs/no-such-run/events", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/{run}/events?after=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/runs/{run}/events?after=abc", HttpStatusCode.BadRequest)]
    [InlineData("/ws/results/no-such-run", HttpStatusCode.NotFound)]
    public async Task RunEventSocket_RefusesTheHandshake_WithAProblem(string path, HttpStatusCode status)
    {
        using var client = silo.CreateClient();
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1 });
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://{silo.BaseAddress.Authority}{path.Replace("{run}", runId, StringComparison.Ordinal)}"), CancellationToken.None));

        Assert.Equal(status, socket.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocketRoutes_Answer400_ToPlainHttpRequests()
    {
        using var client = silo.CreateClient();

        foreach (var path in new[] { "/ws", "/ws/graph/run/x", "/ws/results/x" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static bool IsRunEnd(JsonObject runEvent) => (string?)runEvent["type"] is "run.completed" or "run.failed" or "run.cancelled";
}
