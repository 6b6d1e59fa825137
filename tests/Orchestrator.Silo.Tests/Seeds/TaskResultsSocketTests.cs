using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Silo.Tests.Seeds;

public sealed class TaskResultsSocketTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    [Fact]
    public async Task ResultsSocket_SendsTaskEventsThenWorkflowCompleted_ForAFinishedRun()
    {
        using var client = factory.CreateClient();
        await SeedGraphs.CreateAsync(client);
        using var run = await client.PostAsJsonAsync("/graph/run", new { graph_id = SeedGraphs.CodeReview, initial_state = new { threshold = 7 } });
        var runId = (string?)(await run.Content.ReadFromJsonAsync<JsonObject>())!["run_id"];

        await using var socket = new SocketClient(await factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri($"ws://localhost/ws/results/{runId}"), CancellationToken.None));
        var messages = await socket.ReceiveUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(
            [
                "task_started extract", "task_completed extract", "task_started analyze", "task_completed analyze",
                "task_started improve", "task_completed improve", "task_started analyze", "task_completed analyze",
                "workflow_completed ",
            ],
            messages.Select(m => $"{m["type"]} {m["task_id"]}"));
        Assert.Equal(2, (int?)messages[1]["result"]!["function_count"]);
        Assert.Equal(8.5, (double?)messages[7]["result"]!["quality_score"]);
        var results = messages[^1]["results"]!.AsArray();
        Assert.Equal(["extract", "analyze", "improve"], results.Select(r => (string?)r!["task_id"]));
        Assert.All(results, r => Assert.Equal("completed", (string?)r!["status"]));
        Assert.Equal(8.5, (double?)results[1]!["result"]!["quality_score"]);
    }

    [Fact]
    public async Task ResultsSocket_IsRefusedWith404_ForAnUnknownRun()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri("ws://localhost/ws/results/no-such-run"), CancellationToken.None));

        Assert.Contains("404", refused.Message, StringComparison.Ordinal);
    }
}
