using System.Net;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class LoopsApiTests(RestApiHost host)
{
    private static string Ticking(string name) => $$"""
        name: {{name}}
        loops:
          tick:
            pool: async
            producer: { type: interval, every: 20ms }
            chain:
              - { node: a, mode: blocking }
        nodes:
          a: { type: noop }
        """;

    [Theory]
    [InlineData("no-colon")]
    [InlineData("%3Aloop")]
    [InlineData("run-1%3A")]
    public async Task Get_Returns404NamingTheId_WhenTheIdIsNotALoopId(string id)
    {
        var get = await host.GetJsonAsync($"/api/loops/{id}", HttpStatusCode.NotFound);
        var (pauseStatus, pause) = await host.PostJsonAsync($"/api/loops/{id}/pause");
        var logs = await host.GetJsonAsync($"/api/loops/{id}/logs", HttpStatusCode.NotFound);

        Assert.Equal("id", get.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, pauseStatus);
        Assert.Equal("id", pause.GetProperty("field").GetString());
        Assert.Equal("id", logs.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/logs")]
    [InlineData("POST", "/pause")]
    [InlineData("POST", "/resume")]
    [InlineData("POST", "/stop")]
    public async Task Routes_Return404_WhenTheLoopDoesNotExist(string method, string suffix)
    {
        var id = $"{UniqueName("no-run")}:tick";

        using var request = new HttpRequestMessage(new HttpMethod(method), Relative($"/api/loops/{Uri.EscapeDataString(id)}{suffix}"));
        using var response = await host.Client.SendAsync(request);
        var problem = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("state=spinning", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task List_Returns400NamingTheParameter_WhenAQueryValueIsBad(string query, string field)
    {
        var problem = await host.GetJsonAsync($"/api/loops?{query}", HttpStatusCode.BadRequest);

        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=-1", "after")]
    [InlineData("after=x", "after")]
    public async Task Logs_Return400NamingTheParameter_WhenAQueryValueIsBad(string query, string field)
    {
        var problem = await host.GetJsonAsync($"/api/loops/run-1%3Atick/logs?{query}", HttpStatusCode.BadRequest);

        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheLoopRoutes()
    {
        var paths = (await host.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");

        string[] expected = ["/api/loops", "/api/loops/{id}", "/api/loops/{id}/pause", "/api/loops/{id}/resume", "/api/loops/{id}/stop", "/api/loops/{id}/logs"];
        foreach (var path in expected)
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        Assert.True(paths.GetProperty("/api/loops/{id}/pause").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task Loop_RunsPausesResumesAndStops_ThroughTheApi()
    {
        var name = UniqueName("loop-api");
        await host.PutWorkflowAsync(Ticking(name));
        var runId = await host.StartRunAsync(name);
        var id = $"{runId}:tick";
        var path = $"/api/loops/{Uri.EscapeDataString(id)}";
        try
        {
            var listed = await host.PollAsync($"/api/loops?runId={runId}", page =>
                page.GetProperty("items").EnumerateArray().Any(l => l.GetProperty("iterations").GetInt64() >= 2));
            var running = Assert.Single(listed.GetProperty("items").EnumerateArray());
            Assert.Equal(id, running.GetProperty("id").GetString());
            Assert.Equal(runId, running.GetProperty("runId").GetString());
            Assert.Equal("tick", running.GetProperty("loop").GetString());
            Assert.Equal("running", running.GetProperty("state").GetString());
            Assert.Equal("async", running.GetProperty("pool").GetString());
            Assert.Equal("interval", running.GetProperty("producer").GetString());
            Assert.Equal("blocking", running.GetProperty("nodes").GetProperty("a").GetProperty("mode").GetString());
            var byState = await host.GetJsonAsync($"/api/loops?runId={runId}&state=running");
            Assert.Equal(id, Assert.Single(byState.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
            Assert.Empty((await host.GetJsonAsync($"/api/loops?runId={runId}&state=stopped")).GetProperty("items").EnumerateArray());

            // Iterations are counted on the Prometheus endpoint too, per workflow and loop name.
            using (var metrics = await host.Client.GetAsync(new Uri("/metrics", UriKind.Relative)))
            {
                var text = await metrics.Content.ReadAsStringAsync();
                Assert.Matches($$"""orchestrator_loop_iterations_total\{otel_scope_name="Orchestrator.Loops",(loop="tick",workflow="{{name}}"|workflow="{{name}}",loop="tick")\} [1-9]""", text);
            }

            // The colon sent as is reaches the same loop.
            Assert.Equal(id, (await host.GetJsonAsync($"/api/loops/{id}")).GetProperty("id").GetString());

            var (pauseStatus, paused) = await host.PostJsonAsync($"{path}/pause", new { reason = "maintenance" });
            Assert.Equal(HttpStatusCode.OK, pauseStatus);
            Assert.Equal("paused", paused.GetProperty("state").GetString());
            Assert.Equal("paused", (await host.GetJsonAsync(path)).GetProperty("state").GetString());

            var (resumeStatus, resumed) = await host.PostJsonAsync($"{path}/resume");
            Assert.Equal(HttpStatusCode.OK, resumeStatus);
            Assert.Equal("running", resumed.GetProperty("state").GetString());
            var atResume = resumed.GetProperty("iterations").GetInt64();
            await host.PollAsync(path, loop => loop.GetProperty("iterations").GetInt64() > atResume);

            var (stopStatus, stopped) = await host.PostJsonAsync($"{path}/stop", new { reason = "done testing" });
            Assert.Equal(HttpStatusCode.OK, stopStatus);
            Assert.Equal("stopped", stopped.GetProperty("state").GetString());
            var (resumeStoppedStatus, _) = await host.PostJsonAsync($"{path}/resume");
            Assert.Equal(HttpStatusCode.Conflict, resumeStoppedStatus);

            var logs = (await host.GetJsonAsync($"{path}/logs?limit=1000")).GetProperty("items").EnumerateArray()
                .Select(line => line.GetProperty("message").GetString() ?? "").ToList();
            Assert.Contains(logs, message => message.Contains("pause", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(logs, message => message.Contains("resume", StringComparison.OrdinalIgnoreCase));

            // ?after= pages forward from the first lines; without it, the tail.
            static long[] Seqs(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(line => line.GetProperty("seq").GetInt64())];
            var first = Seqs(await host.GetJsonAsync($"{path}/logs?after=0&limit=2"));
            var next = Seqs(await host.GetJsonAsync($"{path}/logs?after=2&limit=2"));
            Assert.Equal(new long[] { 1, 2 }, first);
            Assert.Equal(new long[] { 3, 4 }, next);
            Assert.Equal(logs.Count, Seqs(await host.GetJsonAsync($"{path}/logs?limit=1"))[0]);
        }
        finally
        {
            await host.PostJsonAsync($"/api/runs/{runId}/cancel");
        }
    }
}
