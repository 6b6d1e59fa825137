using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>The push feeds of a loop (with its log), a queue and a schedule: the resource when the socket opens, then
/// again when it changed.</summary>
public sealed class SnapshotFeedTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    private const string Pipeline = """
        name: feed-pipeline
        loops:
          tick:
            producer: { type: interval, every: 50ms }
            chain:
              - { node: stamp, mode: blocking }
              - { node: push, mode: blocking }
          drain:
            producer: { type: queue, queue: feed-readings }
            chain:
              - { node: note, mode: blocking }
        nodes:
          stamp: { type: log, message: "tick ${iteration}" }
          push: { type: queue.push, queue: feed-readings, value: "${iteration}" }
          note: { type: log, message: "got ${data}" }
        """;

    [Fact]
    public async Task LoopAndQueueFeeds_SendTheResource_ThenItsChanges_AndTheLoopsNewLogLines()
    {
        using var client = silo.CreateClient();
        using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(Pipeline, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var runId = (await (await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "feed-pipeline" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();

        // The run starts its loops after its own start is stored: the feed opens once the loop exists.
        for (var tries = 0; ; tries++)
        {
            using var loop = await client.GetAsync(new Uri($"/api/loops/{runId}:tick", UriKind.Relative));
            if (loop.IsSuccessStatusCode)
            {
                break;
            }

            Assert.True(tries < 300, $"the loop never started: {(int)loop.StatusCode}");
            await Task.Delay(20);
        }

        await using var loopFeed = await silo.ConnectAsync($"/api/loops/{runId}:tick/feed");
        // Loop snapshots and log lines come as they happen, in no fixed order between the two: read until both have come.
        var (tenIterations, aTick) = (false, false);
        var loopMessages = await loopFeed.ReceiveUntilAsync(
            m =>
            {
                tenIterations |= (string?)m["type"] == "loop" && (long)m["loop"]!["iterations"]! >= 10;
                aTick |= (string?)m["type"] == "log" && ((string?)m["line"]!["message"])!.StartsWith("tick ", StringComparison.Ordinal);
                return tenIterations && aTick;
            },
            TimeSpan.FromSeconds(30));
        await using var queueFeed = await silo.ConnectAsync("/api/queues/feed-readings/feed");
        var firstQueue = await queueFeed.ReceiveAsync();
        var queueMessages = await queueFeed.ReceiveUntilAsync(m => (long)m["queue"]!["produced"]! > (long)firstQueue["queue"]!["produced"]!, TimeSpan.FromSeconds(30));
        queueMessages.Insert(0, firstQueue);

        var loops = loopMessages.Where(m => (string?)m["type"] == "loop").Select(m => (long)m["loop"]!["iterations"]!).ToList();
        var logs = loopMessages.Where(m => (string?)m["type"] == "log").Select(m => (long)m["line"]!["seq"]!).ToList();
        Assert.True(loops.Count >= 2, "the loop was sent once and again after it changed");
        Assert.Equal(loops.Order(), loops);
        Assert.NotEmpty(logs);
        Assert.Equal(logs.Distinct().Order(), logs);
        Assert.Contains(loopMessages, m => (string?)m["type"] == "log" && ((string?)m["line"]!["message"])!.StartsWith("tick ", StringComparison.Ordinal));
        var produced = queueMessages.Select(m => (long)m["queue"]!["produced"]!).ToList();
        Assert.True(produced.Count >= 2);
        Assert.Equal(produced.Order(), produced);
    }

    [Fact]
    public async Task ScheduleFeed_SendsTheScheduleAgain_WhenItIsTriggeredOrDisabled()
    {
        using var client = silo.CreateClient();
        using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            "name: feed-once\nnodes:\n  a: { type: noop }\n", Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var schedule = (await (await client.PostAsJsonAsync(new Uri("/api/schedules", UriKind.Relative), new { name = "feed-nightly", workflow = "feed-once", cron = "0 3 * * *" }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        var id = schedule["id"]!.GetValue<string>();

        await using var feed = await silo.ConnectAsync($"/api/schedules/{id}/feed");
        var first = await feed.ReceiveAsync();
        (await client.PostAsync(new Uri($"/api/schedules/{id}/trigger", UriKind.Relative), null)).Dispose();
        var triggered = (await feed.ReceiveUntilAsync(m => m["executions"]!.AsArray().Count == 1))[^1];
        (await client.PostAsync(new Uri($"/api/schedules/{id}/disable", UriKind.Relative), null)).Dispose();
        var disabled = (await feed.ReceiveUntilAsync(m => !(bool)m["schedule"]!["enabled"]!))[^1];

        Assert.Equal(("schedule", true, 0), ((string?)first["type"], (bool)first["schedule"]!["enabled"]!, first["executions"]!.AsArray().Count));
        Assert.Equal("started", (string?)triggered["executions"]![0]!["outcome"]);
        Assert.False((bool)disabled["schedule"]!["enabled"]!);
    }

    [Fact]
    public async Task AFeedOfSomethingThatDoesNotExist_IsRefusedWith404()
    {
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        var uri = new Uri(new Uri($"ws://{silo.BaseAddress.Authority}/"), "/api/loops/no-such-run:loop/feed");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
    }
}
