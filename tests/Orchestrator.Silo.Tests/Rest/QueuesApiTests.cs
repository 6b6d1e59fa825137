using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class QueuesApiTests(RestApiHost host)
{
    /// <summary>A DAG whose three nodes push to <paramref name="queue"/>; nothing reads it.</summary>
    private static string Pushes(string name, string queue) => $$"""
        name: {{name}}
        nodes:
          first:  { type: queue.push, queue: {{queue}}, value: 1 }
          second: { type: queue.push, queue: {{queue}}, value: 2, dependsOn: [first] }
          third:  { type: queue.push, queue: {{queue}}, value: "${input.last}", dependsOn: [second] }
        """;

    [Fact]
    public async Task GetQueue_ReportsDepthAndProduced_AfterARunPushedToIt()
    {
        var name = UniqueName("queue-push");
        var queue = UniqueName("readings");
        await host.PutWorkflowAsync(Pushes(name, queue));

        var run = await host.RunToEndAsync(name, new { last = 3 });
        var info = await host.GetJsonAsync($"/api/queues/{queue}");
        var list = await host.GetJsonAsync("/api/queues");
        var deadLetters = await host.GetJsonAsync($"/api/queues/{queue}/dead-letters");

        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(queue, info.GetProperty("name").GetString());
        Assert.Equal(3, info.GetProperty("produced").GetInt64());
        Assert.Equal(3, info.GetProperty("depth").GetInt64());
        Assert.Equal(0, info.GetProperty("consumed").GetInt64());
        Assert.Equal(0, info.GetProperty("deadLettered").GetInt64());
        Assert.True(info.GetProperty("capacity").GetInt32() >= 3);
        Assert.Equal(0, info.GetProperty("consumers").GetArrayLength());
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray(), q => q.GetProperty("name").GetString() == queue);
        Assert.Equal(3, listed.GetProperty("produced").GetInt64());
        Assert.Equal(0, deadLetters.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("Readings")]
    [InlineData("two%20words")]
    [InlineData("semi%3Bcolon")]
    public async Task GetQueue_Returns400NamingTheName_WhenItIsNotAQueueName(string name)
    {
        var problem = await host.GetJsonAsync($"/api/queues/{name}", HttpStatusCode.BadRequest);
        var deadLetters = await host.GetJsonAsync($"/api/queues/{name}/dead-letters", HttpStatusCode.BadRequest);

        Assert.Equal("name", problem.GetProperty("field").GetString());
        Assert.Equal("name", deadLetters.GetProperty("field").GetString());
    }

    [Fact]
    public async Task GetQueue_Returns404_WhenNothingWasPushedToItAndNothingReadsIt()
    {
        var queue = UniqueName("never-pushed");

        var problem = await host.GetJsonAsync($"/api/queues/{queue}", HttpStatusCode.NotFound);
        await host.GetJsonAsync($"/api/queues/{queue}/dead-letters", HttpStatusCode.NotFound);

        Assert.Contains(queue, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(
            (await host.GetJsonAsync("/api/queues")).GetProperty("items").EnumerateArray(),
            q => q.GetProperty("name").GetString() == queue);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("many")]
    public async Task GetDeadLetters_Returns400NamingTheLimit_WhenTheLimitIsOutOfRange(string limit)
    {
        var problem = await host.GetJsonAsync($"/api/queues/any-queue/dead-letters?limit={limit}", HttpStatusCode.BadRequest);

        Assert.Equal("limit", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheQueueRoutes()
    {
        var paths = (await host.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[] { "/api/queues", "/api/queues/{name}", "/api/queues/{name}/dead-letters" })
        {
            Assert.True(paths.TryGetProperty(path, out JsonElement _), $"{path} is missing from the OpenAPI document");
        }

        Assert.True(paths.GetProperty("/api/queues/{name}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
    }
}
