using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Seeds;

namespace Orchestrator.Silo.Tests.Streams;

/// <summary>Nothing a client sends crashes a socket's handler or the server: bad control messages get an error and the
/// session goes on; frames the streams cannot take (binary, oversized, not UTF-8) get an error and a close that says
/// why.</summary>
public sealed class BadMessageTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    public static TheoryData<string, string> BadControlMessages => new()
    {
        { "hello", "not valid JSON" },
        { "", "not valid JSON" },
        { "   ", "not valid JSON" },
        { "{\"type\":\"subscribe\"", "not valid JSON" },
        { "{\"type\":\"ping\",\"type\":\"ping\"}", "not valid JSON" },
        { new string('[', 100) + new string(']', 100), "not valid JSON" },
        { "null", "must be a JSON object" },
        { "[\"subscribe\"]", "must be a JSON object" },
        { "\"subscribe\"", "must be a JSON object" },
        { "42", "must be a JSON object" },
        { "{\"subscriptions\":[\"*\"]}", "type must be a string" },
        { "{\"type\":5}", "type must be a string" },
        { "{\"type\":null}", "type must be a string" },
        { "{\"type\":\"dance\"}", "unknown message type 'dance'" },
        { "{\"type\":\"subscribe\"}", "subscriptions must be an array" },
        { "{\"type\":\"subscribe\",\"subscriptions\":\"*\"}", "subscriptions must be an array" },
        { "{\"type\":\"subscribe\",\"subscriptions\":{\"run\":\"x\"}}", "subscriptions must be an array" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[42]}", "subscriptions[0] must be a string" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"*\",null]}", "subscriptions[1] must be a string" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"colour:red\"]}", "unknown subscription kind 'colour'" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"run\"]}", "is not of the form" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"run:\"]}", "needs a run after the colon" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"workflow:a b\"]}", "needs a workflow after the colon" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"event:execution_exploded\"]}", "unknown event type 'execution_exploded'" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[\"run:" + new string('r', 400) + "\"]}", "longer than 300 characters" },
        { "{\"type\":\"subscribe\",\"subscriptions\":[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"run:{i}\"")) + "]}", "at most 1000 items" },
    };

    [Theory]
    [MemberData(nameof(BadControlMessages))]
    public async Task Ws_AnswersAnErrorAndCarriesOn_ForABadControlMessage(string message, string expected)
    {
        await using var socket = await ConnectAsync("/ws");

        // A session without subscriptions also gets execution notifications of runs still ending: read past them.
        await socket.SendAsync(message);
        var error = (await socket.ReceiveUntilAsync(m => (string?)m["type"] == "error"))[^1];
        await socket.SendAsync("""{"type":"subscribe","subscriptions":["event:execution_failed"]}""");
        var subscribed = (await socket.ReceiveUntilAsync(m => (string?)m["type"] == "subscribed"))[^1];

        Assert.Equal("error", (string?)error["type"]);
        Assert.Contains(expected, (string?)error["error"], StringComparison.Ordinal);
        Assert.Equal("Invalid message", (string?)error["message"]);
        Assert.Equal("subscribed", (string?)subscribed["type"]);
        Assert.Equal(["event:execution_failed"], subscribed["subscriptions"]!.AsArray().Select(s => (string?)s));
    }

    [Theory]
    [InlineData("/ws")]
    [InlineData("/api/runs/{run}/events")]
    [InlineData("/ws/graph/run/seed-code-review")]
    public async Task Sockets_AnswerAnErrorAndClose1003_ForABinaryFrame(string path)
    {
        await using var socket = await ConnectAsync(path);

        await socket.SendAsync([0x7b, 0x7d, 0x00, 0xff], WebSocketMessageType.Binary);
        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, socket.CloseStatus);
        Assert.Equal("binary messages are not supported", socket.CloseDescription);
        Assert.Contains(messages, m => (string?)m["type"] == "error" && ((string?)m["error"])!.Contains("binary", StringComparison.Ordinal));
        await AssertHealthyAsync();
    }

    [Theory]
    [InlineData("/ws", 64 * 1024)]
    [InlineData("/api/runs/{run}/events", 64 * 1024)]
    [InlineData("/ws/graph/run/seed-code-review", 1024 * 1024)]
    public async Task Sockets_AnswerAnErrorAndClose1009_ForAMessageOverTheLimit(string path, int limit)
    {
        await using var socket = await ConnectAsync(path);

        // Sent in frames, as a client streaming a huge message would; the server stops reading at the limit.
        var chunk = Encoding.UTF8.GetBytes(new string('x', 16 * 1024));
        for (var sent = 0; sent <= limit && socket.Socket.State == WebSocketState.Open; sent += chunk.Length)
        {
            await socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false);
        }

        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
        Assert.Contains(messages, m => (string?)m["error"] == $"the message is larger than {limit} bytes");
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Ws_ClosesWithInvalidPayload_ForATextFrameThatIsNotUtf8()
    {
        await using var socket = await ConnectAsync("/ws");

        await socket.SendAsync([0x7b, 0xc3, 0x28, 0x7d], WebSocketMessageType.Text);
        await socket.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Ws_AcceptsAMessageSentInManyFrames_WithinTheLimit()
    {
        await using var socket = await ConnectAsync("/ws");
        var message = Encoding.UTF8.GetBytes("""{"type":"subscribe","subscriptions":["event:error_recorded"]}""");

        for (var i = 0; i < message.Length; i += 7)
        {
            await socket.SendAsync(message[i..Math.Min(i + 7, message.Length)], WebSocketMessageType.Text, endOfMessage: i + 7 >= message.Length);
        }

        Assert.Equal("subscribed", (string?)(await socket.ReceiveUntilAsync(m => ((string?)m["type"])!.StartsWith("sub", StringComparison.Ordinal) || (string?)m["type"] == "error"))[^1]["type"]);
    }

    [Fact]
    public async Task RunEventSocket_AnswersAnError_ToATextMessage_AndKeepsStreaming()
    {
        using var client = silo.CreateClient();
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 2 });
        await using var socket = await silo.ConnectAsync($"/api/runs/{runId}/events");

        await socket.SendAsync("""{"type":"subscribe"}""");
        var messages = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "run.completed");
        if (!messages.Any(m => (string?)m["type"] == "error"))
        {
            // The run may have been streamed to its end before the message was read.
            messages.Add(await socket.ReceiveAsync());
        }

        var error = Assert.Single(messages, m => (string?)m["type"] == "error");
        Assert.Contains("takes no messages", (string?)error["error"], StringComparison.Ordinal);
        var seqs = messages.Where(m => m["seq"] is not null).Select(m => (long)m["seq"]!);
        Assert.Equal(Enumerable.Range(1, await StreamGraphs.EventCountAsync(client, runId)).Select(i => (long)i), seqs);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"initial_state": "code"}""", "initial_state must be a JSON object")]
    [InlineData("""{"initial_state": 1, "initial_state": {}}""", "not a valid JSON object")]
    public async Task GraphRunSocket_AnswersAnErrorAndClosesWithoutARun_ForABadRequest(string request, string expected)
    {
        await using var socket = await ConnectAsync("/ws/graph/run/seed-code-review");

        await socket.ReceiveAsync();
        await socket.SendAsync(request);
        var messages = await socket.ReceiveUntilClosedAsync();

        var error = Assert.Single(messages);
        Assert.Equal("error", (string?)error["type"]);
        Assert.Contains(expected, (string?)error["error"], StringComparison.Ordinal);
        Assert.Equal("Invalid request", (string?)error["message"]);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task GraphRunSocket_AnswersAnError_ToASecondRequest_AndFinishesTheFirst()
    {
        await using var socket = await ConnectAsync("/ws/graph/run/seed-code-review");

        await socket.ReceiveAsync();
        await socket.SendAsync("""{"initial_state": {"threshold": 7}}""");
        await socket.SendAsync("""{"initial_state": {"threshold": 1}}""");
        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Contains(messages, m => (string?)m["type"] == "error" && ((string?)m["error"])!.Contains("the run has started", StringComparison.Ordinal));
        Assert.Equal(8.5, (double?)messages.Single(m => (string?)m["type"] == "complete")["final_state"]!["quality_score"]);
    }

    private async Task<SocketClient> ConnectAsync(string path)
    {
        using var client = silo.CreateClient();
        await SeedGraphs.CreateAsync(client);
        if (path.Contains("{run}", StringComparison.Ordinal))
        {
            var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1 });
            path = path.Replace("{run}", runId, StringComparison.Ordinal);
        }

        var socket = await silo.ConnectAsync(path);
        if (path == "/ws")
        {
            Assert.Equal("connected", (string?)(await socket.ReceiveAsync())["type"]);
        }

        return socket;
    }

    private async Task AssertHealthyAsync()
    {
        using var client = silo.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
