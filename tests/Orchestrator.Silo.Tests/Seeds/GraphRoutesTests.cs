using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Seeds;

public sealed class GraphRoutesTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    [Fact]
    public async Task CreateGraph_AnswersTheGraphId_ForAYamlDefinition()
    {
        using var client = factory.CreateClient();
        using var content = new StringContent(SeedGraphs.Definition.Replace(SeedGraphs.CodeReview, "seed-created", StringComparison.Ordinal), Encoding.UTF8, "application/yaml");

        using var response = await client.PostAsync(new Uri("/graph/create", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("seed-created", (string?)body!["graph_id"]);
    }

    [Fact]
    public async Task CreateGraph_AnswersAProblemNamingThePath_ForAnInvalidDefinition()
    {
        using var client = factory.CreateClient();
        using var content = new StringContent("name: broken\nentry: a\nnodes:\n  a: { type: nope }\n", Encoding.UTF8, "application/yaml");

        using var response = await client.PostAsync(new Uri("/graph/create", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("nodes.a", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunGraph_AnswersFinalStateAndExecutionLog_WhenTheRunCompletes()
    {
        using var client = factory.CreateClient();
        await SeedGraphs.CreateAsync(client);

        using var response = await client.PostAsJsonAsync("/graph/run", new { graph_id = SeedGraphs.CodeReview, initial_state = new { code = "def a(): pass", threshold = 7 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", (string?)body["status"]);
        Assert.Equal(8.5, (double?)body["final_state"]!["quality_score"]);
        Assert.Equal("def a(): pass", (string?)body["final_state"]!["code"]);
        var log = body["execution_log"]!.AsArray();
        Assert.Equal(12, log.Count);
        Assert.Equal(["node_start", "node_complete", "transition"], log.Take(3).Select(e => (string?)e!["type"]));
        Assert.Equal("END", (string?)log[^1]!["to"]);
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("not json", "body")]
    [InlineData("[1]", "body")]
    [InlineData("""{"initial_state": {}}""", "graph_id")]
    [InlineData("""{"graph_id": 7}""", "graph_id")]
    [InlineData("""{"graph_id": "seed-code-review", "initial_state": [1]}""", "initial_state")]
    public async Task RunGraph_Answers400NamingTheField_ForABadRequest(string body, string field)
    {
        using var client = factory.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/graph/run", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
    }

    [Fact]
    public async Task RunGraph_Answers404_ForAnUnknownGraph()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/graph/run/background", new { graph_id = "no-such-graph" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task BackgroundRun_ReportsCompletedAndEnd_OnceTheRunFinishes()
    {
        using var client = factory.CreateClient();
        await SeedGraphs.CreateAsync(client);

        using var started = await client.PostAsJsonAsync("/graph/run/background", new { graph_id = SeedGraphs.CodeReview, initial_state = new { threshold = 7 } });

        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var body = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        var runId = (string)body["run_id"]!;
        Assert.Equal("Workflow started in background", (string?)body["message"]);
        Assert.Equal($"/graph/state/{runId}", (string?)body["status_endpoint"]);
        JsonObject status;
        var polls = 0;
        do
        {
            Assert.True(polls++ < 600, "the run did not finish in time");
            await Task.Delay(polls == 1 ? 0 : 50);
            status = (await client.GetFromJsonAsync<JsonObject>($"/graph/background/{runId}/status"))!;
            Assert.Equal(runId, (string?)status["run_id"]);
            Assert.True((string?)status["task_status"] is "running" or "completed", status.ToJsonString());
        }
        while ((string?)status["task_status"] == "running");

        Assert.Equal("completed", (string?)status["workflow_status"]);
        Assert.Equal("END", (string?)status["current_node"]);
        var state = (await client.GetFromJsonAsync<JsonObject>($"/graph/state/{runId}"))!;
        Assert.Equal("completed", (string?)state["status"]);
        Assert.Equal("END", (string?)state["current_node"]);
        Assert.Equal(8.5, (double?)state["state"]!["quality_score"]);
        Assert.Equal(12, state["execution_log"]!.AsArray().Count);
    }

    [Fact]
    public async Task BackgroundStatus_IsNotFound_ForAnUnknownRun()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/graph/background/no-such-run/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        // Both names: the seed's poller reads task_status, its troubleshooting section shows status.
        Assert.Equal("not_found", (string?)body["task_status"]);
        Assert.Equal("not_found", (string?)body["status"]);
        using var state = await client.GetAsync(new Uri("/graph/state/no-such-run", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
    }
}
