using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Streams;

public sealed class SlowSubscriberTests
{
    [Fact]
    public async Task SlowSubscriber_IsClosedAsTooSlow_WhileAFastOneGetsEveryEventAndTheRunFinishes()
    {
        await using var silo = await KestrelSilo.StartAsync(o => o.MaxBufferedEvents = 300);
        using var client = silo.CreateClient();
        // 400 turns with 64 KiB node.completed events: far more than the socket buffers between server and client hold.
        var blob = new string('x', 32 * 1024);
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.PacedLoop, "paced-loop", new JsonObject { ["limit"] = 400, ["blob"] = blob });
        await using var slow = await silo.ConnectAsync($"/api/runs/{runId}/events", socketReceiveBuffer: 64 * 1024);
        await using var fast = await silo.ConnectAsync($"/api/runs/{runId}/events");

        var clock = Stopwatch.StartNew();
        var all = await fast.ReceiveUntilAsync(e => (string?)e["type"] == "run.completed", TimeSpan.FromSeconds(120));
        var fastTook = clock.Elapsed;
        // Only now does the slow subscriber read: what was buffered for it, then the close.
        var got = await slow.ReceiveUntilClosedAsync();

        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => (long)e["seq"]!));
        Assert.Equal(await StreamGraphs.EventCountAsync(client, runId), all.Count);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.CloseStatus);
        Assert.Equal("subscriber too slow: more than 300 events behind", slow.CloseDescription);
        Assert.True(got.Count < all.Count, $"the slow subscriber got {got.Count} of {all.Count}");
        Assert.Equal(Enumerable.Range(1, got.Count).Select(i => (long)i), got.Select(e => (long)e["seq"]!));
        Assert.True(fastTook < TimeSpan.FromSeconds(60), $"the run took {fastTook} with a stalled subscriber");
    }

    [Fact]
    public async Task SlowNotificationSession_IsClosedAsTooSlow_WhenItStopsReading()
    {
        await using var silo = await KestrelSilo.StartAsync(o => o.MaxBufferedEvents = 20);
        using var client = silo.CreateClient();
        await using var slow = await silo.ConnectAsync("/ws", socketReceiveBuffer: 64 * 1024);
        await slow.ReceiveAsync();
        await slow.SendAsync("""{"type":"subscribe","subscriptions":["*"]}""");
        await slow.ReceiveAsync();
        await using var fast = await silo.ConnectAsync("/ws");
        await fast.ReceiveAsync();
        await fast.SendAsync("""{"type":"subscribe","subscriptions":["event:execution_completed"]}""");
        await fast.ReceiveAsync();

        // Small runs, each an execution_started and a large execution_completed for the slow session, which never
        // reads them; the fast session reads its execution_completed messages as they come.
        var blob = new string('y', 128 * 1024);
        const int runs = 150;
        var fastReads = Task.Run(async () =>
        {
            var completed = new HashSet<string>();
            while (completed.Count < runs)
            {
                var message = await fast.ReceiveAsync(TimeSpan.FromSeconds(60));
                Assert.Equal("execution_completed", (string?)message["type"]);
                completed.Add((string)message["runId"]!);
            }

            return completed;
        });
        var runIds = new HashSet<string>();
        for (var i = 0; i < runs; i++)
        {
            runIds.Add(await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1, ["blob"] = blob }));
        }

        Assert.Equal(runIds, await fastReads);
        await slow.ReceiveUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.CloseStatus);
        Assert.Equal("subscriber too slow: more than 20 events behind", slow.CloseDescription);
    }
}
