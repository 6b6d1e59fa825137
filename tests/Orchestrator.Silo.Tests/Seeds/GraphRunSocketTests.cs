using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Seeds;

public sealed class GraphRunSocketTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    [Fact]
    public async Task GraphRunSocket_StreamsSeed002Events_ThenCompleteAndClose()
    {
        await using var socket = await ConnectAsync();
        await socket.SendAsync(new JsonObject { ["initial_state"] = new JsonObject { ["code"] = "def hello(): pass", ["threshold"] = 7 } });

        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Equal(
            [
                "connected", "status",
                "node_start extract", "node_complete extract", "transition extract>analyze",
                "node_start analyze", "node_complete analyze", "transition analyze>improve",
                "node_start improve", "node_complete improve", "transition improve>analyze",
                "node_start analyze", "node_complete analyze", "transition analyze>END",
                "complete",
            ],
            messages.Select(Describe));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        var connected = messages[0];
        Assert.Equal("WebSocket connection established", (string?)connected["message"]);
        Assert.Equal(SeedGraphs.CodeReview, (string?)connected["graph_id"]);
        var status = messages[1];
        Assert.Equal("started", (string?)status["status"]);
        var runId = (string?)status["run_id"];
        Assert.False(string.IsNullOrEmpty(runId));
        Assert.True(status["timestamp"] is JsonValue);
        Assert.Equal(1, (int?)messages[2]["iteration"]);
        Assert.Equal(2, (int?)messages[11]["iteration"]);
        Assert.Equal(2, (int?)messages[3]["state_update"]!["function_count"]);
        Assert.Equal(4.25, (double?)messages[6]["state_update"]!["quality_score"]);
        Assert.All(messages.Skip(2).SkipLast(1), m => Assert.True(m["timestamp"] is JsonValue, m.ToJsonString()));
        var complete = messages[^1];
        Assert.Equal(runId, (string?)complete["run_id"]);
        Assert.Equal(8.5, (double?)complete["final_state"]!["quality_score"]);
        Assert.Equal("def hello(): pass", (string?)complete["final_state"]!["code"]);
        var log = complete["execution_log"]!.AsArray();
        Assert.Equal(messages.Skip(2).SkipLast(1).Select(m => m.ToJsonString()), log.Select(e => e!.ToJsonString()));
    }

    [Fact]
    public async Task GraphRunSocket_SendsSystemMaxIterations_WhenTheScoreNeverReachesTheThreshold()
    {
        await using var socket = await ConnectAsync();
        await socket.SendAsync("""{"initial_state": {"code": "def test(): pass", "threshold": 100}}""");

        var messages = await socket.ReceiveUntilClosedAsync();

        var described = messages.Select(Describe).ToList();
        Assert.Equal(["transition improve>analyze", "system", "complete"], described.TakeLast(3));
        Assert.Equal("Max iterations reached", (string?)messages[^2]["message"]);
        Assert.Equal(3, described.Count(d => d == "node_start analyze"));
        Assert.Equal(12.75, (double?)messages[^1]["final_state"]!["quality_score"]);
        Assert.Equal("system", (string?)messages[^1]["execution_log"]!.AsArray()[^1]!["type"]);
    }

    [Fact]
    public async Task GraphRunSocket_SendsErrorAndCloses_WhenTheGraphDoesNotExist()
    {
        await using var socket = await ConnectAsync("no-such-graph");
        await socket.SendAsync("""{"initial_state": {}}""");

        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Equal(["connected", "error"], messages.Select(m => (string?)m["type"]));
        Assert.Contains("no-such-graph", (string?)messages[1]["error"], StringComparison.Ordinal);
        Assert.Equal("Workflow execution failed", (string?)messages[1]["message"]);
    }

    [Fact]
    public async Task GraphRunSocket_SendsErrorWithTheRunId_WhenTheRunFails()
    {
        using var client = factory.CreateClient();
        await SeedGraphs.CreateAsync(client, """
            name: seed-failing
            entry: boom
            nodes:
              boom: { type: fail, message: "kaput", retry: { maxAttempts: 1 } }
            edges:
              - { from: boom, to: END }
            """);
        await using var socket = await ConnectAsync("seed-failing");
        await socket.SendAsync("""{"initial_state": {}}""");

        var messages = await socket.ReceiveUntilClosedAsync();

        var error = messages[^1];
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal("Workflow execution failed", (string?)error["message"]);
        Assert.Contains("kaput", (string?)error["error"], StringComparison.Ordinal);
        Assert.Equal((string?)messages[1]["run_id"], (string?)error["run_id"]);
    }

    private async Task<SocketClient> ConnectAsync(string graphId = SeedGraphs.CodeReview)
    {
        using var client = factory.CreateClient();
        await SeedGraphs.CreateAsync(client);
        var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/ws/graph/run/{graphId}"), CancellationToken.None);
        return new SocketClient(socket);
    }

    private static string Describe(JsonObject message) => (string?)message["type"] switch
    {
        "node_start" or "node_complete" => $"{message["type"]} {message["node"]}",
        "transition" => $"transition {message["from"]}>{message["to"]}",
        var type => type!,
    };
}
