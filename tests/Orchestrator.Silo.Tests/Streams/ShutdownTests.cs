using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Seeds;

namespace Orchestrator.Silo.Tests.Streams;

public sealed class ShutdownTests
{
    [Fact]
    public async Task GracefulStop_SendsServerShutdownAndCloses_EveryOpenSocket()
    {
        var silo = await KestrelSilo.StartAsync(_ => { });
        using var client = silo.CreateClient();
        await SeedGraphs.CreateAsync(client);
        var runId = await StreamGraphs.StartAsync(client, StreamGraphs.BusyLoop, "busy-loop", new JsonObject { ["limit"] = 1 });
        await using var notifications = await silo.ConnectAsync("/ws");
        await notifications.ReceiveAsync();
        await using var events = await silo.ConnectAsync($"/api/runs/{runId}/events");
        await events.ReceiveUntilAsync(e => (string?)e["type"] == "run.completed");
        await using var graph = await silo.ConnectAsync($"/ws/graph/run/{SeedGraphs.CodeReview}");
        await graph.ReceiveAsync();

        var stopping = silo.DisposeAsync();
        var lastMessages = new List<JsonObject>();
        foreach (var socket in new[] { notifications, events, graph })
        {
            // The last word before the close (the /ws session may first get the run's execution notifications).
            lastMessages.Add((await socket.ReceiveUntilClosedAsync())[^1]);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
            Assert.Equal("server shutting down", socket.CloseDescription);
        }

        await stopping;
        Assert.All(lastMessages, m => Assert.Equal("server_shutdown", (string?)m["type"]));
    }
}
