using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>Queue and loop histories: sampled at each slot of the fake clock by the silo's sampler, read back through
/// <c>GET /api/queues/{name}/history</c> and <c>GET /api/loops/{id}/history</c>.</summary>
[Collection(FakeClockHostGroup.Name)]
public sealed class HistoryApiTests(FakeClockApiHost host)
{
    private RestApiHost Api => host.Api;

    private static string Pushes(string name, string queue) => $$"""
        name: {{name}}
        nodes:
          push: { type: queue.push, queue: {{queue}}, value: 1 }
        """;

    private static string Reads(string name, string queue) => $$"""
        name: {{name}}
        loops:
          reader:
            pool: async
            producer: { type: queue, queue: {{queue}} }
            chain:
              - { node: a, mode: blocking }
        nodes:
          a: { type: noop }
        """;

    [Fact]
    public async Task QueueHistory_HasASampleEachSlot_WithTheDepthAndCountsThen()
    {
        var pusher = UniqueName("history-push");
        var queue = UniqueName("history-q");
        await Api.PutWorkflowAsync(Pushes(pusher, queue));

        await Api.RunToEndAsync(pusher);
        var first = await host.AdvanceToNextSlotAsync();
        await Api.PollAsync($"/api/queues/{queue}/history", h => Items(h).Count == 1);
        await Api.RunToEndAsync(pusher);
        await Api.RunToEndAsync(pusher);
        var second = await host.AdvanceToNextSlotAsync();
        var history = await Api.PollAsync($"/api/queues/{queue}/history?window=5m", h => Items(h).Count == 2);

        Assert.Equal(queue, history.GetProperty("queue").GetString());
        var samples = Items(history);
        Assert.Equal([first, second], samples.Select(s => s.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal([1L, 3L], samples.Select(s => s.GetProperty("depth").GetInt64()));
        Assert.Equal([1L, 3L], samples.Select(s => s.GetProperty("produced").GetInt64()));
        Assert.All(samples, s => Assert.Equal(0, s.GetProperty("lag").GetInt64()));
    }

    [Fact]
    public async Task LoopHistory_SamplesTheLoopsCountersAndState_WhileItRunsOrIsPaused()
    {
        var reader = UniqueName("history-read");
        var pusher = UniqueName("history-feed");
        var queue = UniqueName("history-q");
        await Api.PutWorkflowAsync(Reads(reader, queue));
        await Api.PutWorkflowAsync(Pushes(pusher, queue));
        var runId = await Api.StartRunAsync(reader);
        var loop = $"/api/loops/{runId}:reader";
        try
        {
            await Api.PollAsync($"/api/loops?runId={runId}", page => page.GetProperty("items").EnumerateArray().Any(l => l.GetProperty("state").GetString() == "running"));
            await Api.RunToEndAsync(pusher);
            await Api.RunToEndAsync(pusher);
            await Api.PollAsync(loop, l => l.GetProperty("iterations").GetInt64() == 2);
            await host.AdvanceToNextSlotAsync();
            await Api.PollAsync($"{loop}/history", h => Items(h).Count == 1);
            await Api.PostJsonAsync($"{loop}/pause");
            await host.AdvanceToNextSlotAsync();
            var history = await Api.PollAsync($"{loop}/history", h => Items(h).Count == 2);

            var samples = Items(history);
            Assert.Equal([2L, 2L], samples.Select(s => s.GetProperty("iterations").GetInt64()));
            Assert.Equal(["running", "paused"], samples.Select(s => s.GetProperty("state").GetString()));
            Assert.All(samples, s => Assert.Equal(0, s.GetProperty("errors").GetInt64()));
            Assert.Equal(TimeSpan.FromSeconds(10), samples[1].GetProperty("at").GetDateTimeOffset() - samples[0].GetProperty("at").GetDateTimeOffset());
        }
        finally
        {
            await Api.PostJsonAsync($"/api/runs/{runId}/cancel");
        }
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("30s")]
    [InlineData("25h")]
    public async Task History_Returns400NamingTheWindow_WhenItIsNotOneMinuteTo24Hours(string window)
    {
        var queue = await Api.GetJsonAsync($"/api/queues/any-queue/history?window={window}", HttpStatusCode.BadRequest);
        var loop = await Api.GetJsonAsync($"/api/loops/run-1:loop/history?window={window}", HttpStatusCode.BadRequest);

        Assert.Equal("window", queue.GetProperty("field").GetString());
        Assert.Equal("window", loop.GetProperty("field").GetString());
    }

    [Fact]
    public async Task History_Returns404_ForAQueueOrLoopThatDoesNotExist()
    {
        var queue = await Api.GetJsonAsync($"/api/queues/{UniqueName("nothing")}/history", HttpStatusCode.NotFound);
        var loop = await Api.GetJsonAsync($"/api/loops/{UniqueName("no-run")}:loop/history", HttpStatusCode.NotFound);
        var badName = await Api.GetJsonAsync("/api/queues/Not%20A%20Name/history", HttpStatusCode.BadRequest);

        Assert.Equal("name", queue.GetProperty("field").GetString());
        Assert.Equal("id", loop.GetProperty("field").GetString());
        Assert.Equal("name", badName.GetProperty("field").GetString());
    }

    private static List<JsonElement> Items(JsonElement history) => [.. history.GetProperty("items").EnumerateArray()];
}
