using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Seeds;

namespace Orchestrator.Silo.Tests.Streams;

public sealed class NotificationSocketTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    [Fact]
    public async Task Ws_SendsConnectedFirst_WithASessionId()
    {
        await using var socket = await silo.ConnectAsync("/ws");

        var connected = await socket.ReceiveAsync();

        Assert.Equal("connected", (string?)connected["type"]);
        Assert.StartsWith("ws-", (string?)connected["sessionId"], StringComparison.Ordinal);
        Assert.True(connected["timestamp"] is JsonValue);
    }

    [Fact]
    public async Task Ws_SendsExecutionStartedAndCompleted_ForASubscribedWorkflowOnly()
    {
        using var client = silo.CreateClient();
        await SeedGraphs.CreateAsync(client);
        await SeedGraphs.CreateAsync(client, StreamGraphs.BusyLoop);
        await using var socket = await SubscribeAsync("workflow:busy-loop");
        // A run of another workflow, finished before ours starts: nothing of it may reach the session.
        using var other = await client.PostAsJsonAsync("/graph/run", new { graph_id = SeedGraphs.CodeReview });

        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 2 });
        var started = await socket.ReceiveAsync();
        var completed = await socket.ReceiveAsync();
        await socket.SendAsync("""{"type":"ping"}""");
        var pong = await socket.ReceiveAsync();

        Assert.Equal(("execution_started", runId, "busy-loop", "running"), Describe(started));
        Assert.Equal(("execution_completed", runId, "busy-loop", "completed"), Describe(completed));
        Assert.Equal(2, (int?)completed["result"]!["n"]);
        Assert.Equal("pong", (string?)pong["type"]);
    }

    [Fact]
    public async Task Ws_SendsExecutionFailedAndErrorRecorded_ForEventTypeSubscriptions()
    {
        using var client = silo.CreateClient();
        await using var socket = await SubscribeAsync("event:execution_failed", "event:error_recorded");

        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.Failing, "always-fails");
        var first = await socket.ReceiveAsync();
        var second = await socket.ReceiveAsync();

        var byType = new[] { first, second }.ToDictionary(m => (string)m["type"]!);
        var failed = byType["execution_failed"];
        Assert.Equal(runId, (string?)failed["runId"]);
        Assert.Equal("always-fails", (string?)failed["workflow"]);
        Assert.Contains("kaput", failed["error"]!.ToJsonString(), StringComparison.Ordinal);
        var recorded = byType["error_recorded"];
        Assert.Equal(runId, (string?)recorded["runId"]);
        Assert.Equal("boom", (string?)recorded["node"]);
        Assert.Equal("unresolved", (string?)recorded["recoveryStatus"]);
        Assert.False(string.IsNullOrEmpty((string?)recorded["errorId"]));
    }

    [Fact]
    public async Task Ws_SendsARunsEnd_ForARunIdSubscription()
    {
        using var client = silo.CreateClient();
        await using var socket = await SubscribeAsync();
        var runId = await StreamGraphs.StartAsync(client, """
            name: slow-step
            entry: wait
            nodes:
              wait: { type: delay, duration: 500ms }
            edges:
              - { from: wait, to: END }
            """, "slow-step");

        await socket.SendAsync(new JsonObject { ["type"] = "subscribe", ["subscriptions"] = new JsonArray($"run:{runId}") });
        // Until it subscribed, the session got every execution notification (its run's start among them).
        var subscribed = (await socket.ReceiveUntilAsync(m => (string?)m["type"] == "subscribed"))[^1];
        var end = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "execution_completed");

        Assert.Equal([$"run:{runId}"], subscribed["subscriptions"]!.AsArray().Select(s => (string?)s));
        Assert.All(end, m => Assert.Equal(runId, (string?)m["runId"]));
    }

    [Fact]
    public async Task Ws_BroadcastsExecutions_ToASessionWithoutSubscriptions()
    {
        using var client = silo.CreateClient();
        await SeedGraphs.CreateAsync(client, StreamGraphs.BusyLoop);
        await using var socket = await SubscribeAsync();

        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1 });
        var messages = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "execution_completed" && (string?)m["runId"] == runId);

        Assert.Contains(messages, m => Describe(m) == ("execution_started", runId, "busy-loop", "running"));
    }

    [Fact]
    public async Task Ws_SendsErrorNotifications_ToSubscribersOnly()
    {
        using var client = silo.CreateClient();
        await using var everyone = await SubscribeAsync();
        await using var subscriber = await SubscribeAsync("event:error_recorded");

        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.Failing, "always-fails");
        await subscriber.ReceiveUntilAsync(m => (string?)m["type"] == "error_recorded" && (string?)m["runId"] == runId);
        await everyone.ReceiveUntilAsync(m => (string?)m["type"] == "execution_failed" && (string?)m["runId"] == runId);
        // The hub has handed the error to every session by now: whatever the first session got comes before the pong.
        await everyone.SendAsync("""{"type":"ping"}""");
        var rest = await everyone.ReceiveUntilAsync(m => (string?)m["type"] == "pong");

        Assert.DoesNotContain(rest, m => ((string?)m["type"])!.StartsWith("error_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ws_NarrowsOnSubscribe_AndWidensAgainAfterUnsubscribingFromEverything()
    {
        using var client = silo.CreateClient();
        await SeedGraphs.CreateAsync(client, StreamGraphs.BusyLoop);
        await using var socket = await SubscribeAsync("workflow:no-such-workflow");

        // Narrowed: a busy-loop run is not announced to this session.
        using (var quiet = await client.PostAsJsonAsync("/graph/run", new { graph_id = "busy-loop", initial_state = new { limit = 1 } }))
        {
            await socket.SendAsync("""{"type":"ping"}""");
            Assert.Equal("pong", (string?)(await socket.ReceiveAsync())["type"]);
        }

        await socket.SendAsync("""{"type":"unsubscribe","subscriptions":["workflow:no-such-workflow"]}""");
        var unsubscribed = await socket.ReceiveAsync();
        Assert.Equal("unsubscribed", (string?)unsubscribed["type"]);
        Assert.Empty(unsubscribed["subscriptions"]!.AsArray());

        // Widened again: every execution is announced.
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1 });
        var messages = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "execution_completed" && (string?)m["runId"] == runId);
        Assert.Contains(messages, m => (string?)m["type"] == "execution_started" && (string?)m["runId"] == runId);
    }

    private async Task<SocketClient> SubscribeAsync(params string[] subscriptions)
    {
        var socket = await silo.ConnectAsync("/ws");
        await socket.ReceiveAsync();
        if (subscriptions.Length > 0)
        {
            await socket.SendAsync(new JsonObject { ["type"] = "subscribe", ["subscriptions"] = new JsonArray([.. subscriptions.Select(s => (JsonNode)s)]) });
            var reply = await socket.ReceiveAsync();
            Assert.Equal("subscribed", (string?)reply["type"]);
        }

        return socket;
    }

    private static (string?, string?, string?, string?) Describe(JsonObject m) =>
        ((string?)m["type"], (string?)m["runId"], (string?)m["workflow"], (string?)m["status"]);
}
