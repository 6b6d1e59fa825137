using System.Net;
using System.Text;
using System.Text.Json;
using static Orchestrator.Silo.Tests.Rest.RestApiHost;

namespace Orchestrator.Silo.Tests.Rest;

[Collection(RestHostGroup.Name)]
public sealed class WorkflowsApiTests(RestApiHost host)
{
    private static string Definition(string name, string message = "hello") => $$"""
        name: {{name}}
        nodes:
          greet: { type: log, message: "{{message}}" }
        """;

    [Fact]
    public async Task Post_Returns201ThenSameVersion200_WhenTheSameContentIsPostedAgainAsJson()
    {
        var name = UniqueName("wf-same");
        using var yaml = new StringContent(Definition(name), Encoding.UTF8, "application/yaml");
        using var created = await host.Client.PostAsync(Relative("/api/workflows"), yaml);
        var json = "{\"name\":\"" + name + "\",\"nodes\":{\"greet\":{\"type\":\"log\",\"message\":\"hello\"}}}";
        using var again = await host.Client.PostAsync(Relative("/api/workflows"), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/workflows/{name}?version=1", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var first = await ReadJsonAsync(created);
        var second = await ReadJsonAsync(again);
        Assert.Equal(1, second.GetProperty("version").GetInt32());
        Assert.False(second.GetProperty("created").GetBoolean());
        Assert.Equal(first.GetProperty("contentHash").GetString(), second.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task Validate_Answers200ForAValidDefinition_And422WithEveryPath_AndStoresNothing()
    {
        var name = UniqueName("wf-validate");
        using var valid = new StringContent(Definition(name), Encoding.UTF8, "application/yaml");
        using var invalid = new StringContent($"name: {name}\nnodes:\n  a: {{ type: log, dependsOn: [missing] }}\n  b: {{ type: nope }}\n", Encoding.UTF8, "application/yaml");

        using var accepted = await host.Client.PostAsync(Relative("/api/workflows/validate"), valid);
        using var refused = await host.Client.PostAsync(Relative("/api/workflows/validate"), invalid);
        var stored = await host.GetJsonAsync($"/api/workflows/{name}", HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var answer = await ReadJsonAsync(accepted);
        Assert.True(answer.GetProperty("valid").GetBoolean());
        Assert.Equal(name, answer.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var paths = (await ReadJsonAsync(refused)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("nodes.a.dependsOn[0]", paths);
        Assert.Contains("nodes.b.type", paths);
        Assert.Equal("name", stored.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Get_ReturnsTheAskedVersion_WhenSeveralAreStored()
    {
        var name = UniqueName("wf-versions");
        await host.PutWorkflowAsync(Definition(name, "one"));
        await host.PutWorkflowAsync(Definition(name, "two"));

        var latest = await host.GetJsonAsync($"/api/workflows/{name}");
        var first = await host.GetJsonAsync($"/api/workflows/{name}?version=1");

        Assert.Equal(2, latest.GetProperty("version").GetInt32());
        Assert.Equal(2, latest.GetProperty("latestVersion").GetInt32());
        Assert.Equal("two", latest.GetProperty("definition").GetProperty("nodes").GetProperty("greet").GetProperty("message").GetString());
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("one", first.GetProperty("definition").GetProperty("nodes").GetProperty("greet").GetProperty("message").GetString());
    }

    [Fact]
    public async Task List_PagesWorkflowsNewestFirst_WithAnOpaqueCursor()
    {
        var older = UniqueName("wf-list");
        var newer = UniqueName("wf-list");
        await host.PutWorkflowAsync(Definition(older));
        await host.PutWorkflowAsync(Definition(newer));

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await host.GetJsonAsync(cursor is null ? "/api/workflows?limit=1" : $"/api/workflows?limit=1&cursor={Uri.EscapeDataString(cursor)}");
            Assert.True(page.GetProperty("items").GetArrayLength() <= 1);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("name").GetString()!));
            cursor = page.TryGetProperty("cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Contains(older, names);
        Assert.True(names.IndexOf(newer) < names.IndexOf(older), string.Join(", ", names));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task Delete_RetiresTheWorkflow_SoNewRunsAre409AndListingsHideIt()
    {
        var name = UniqueName("wf-retire");
        await host.PutWorkflowAsync(Definition(name));

        using var deleted = await host.Client.DeleteAsync(Relative($"/api/workflows/{name}"));
        var (status, problem) = await host.PostJsonAsync("/api/runs", new { workflow = name });
        var read = await host.GetJsonAsync($"/api/workflows/{name}");
        var active = await host.GetJsonAsync("/api/workflows?limit=500");
        var all = await host.GetJsonAsync("/api/workflows?limit=500&includeRetired=true");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("retired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(read.GetProperty("retired").GetBoolean());
        Assert.DoesNotContain(active.GetProperty("items").EnumerateArray(), w => w.GetProperty("name").GetString() == name);
        Assert.Contains(all.GetProperty("items").EnumerateArray(), w => w.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Post_Returns422WithEveryProblemAndItsPath_WhenTheDefinitionIsInvalid()
    {
        var name = UniqueName("wf-invalid");
        var yaml = $$"""
            name: {{name}}
            nodes:
              a: { type: teleport }
              b: { type: noop, dependsOn: [missing], retry: { maxAttempts: 1000 } }
            """;

        using var response = await host.Client.PostAsync(Relative("/api/workflows"), new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        var paths = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.True(paths.Count >= 3, string.Join(", ", paths));
        Assert.Contains(paths, p => p!.StartsWith("nodes.a", StringComparison.Ordinal));
        Assert.Contains(paths, p => p!.StartsWith("nodes.b", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("field").GetString()));
        await host.GetJsonAsync($"/api/workflows/{name}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_Returns400WithLineAndColumn_WhenTheYamlCannotBeRead()
    {
        using var response = await host.Client.PostAsync(Relative("/api/workflows"),
            new StringContent("name: x\nnodes: [unclosed\n", Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadJsonAsync(response)).GetProperty("errors")[0];
        Assert.True(error.GetProperty("line").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Number, error.GetProperty("column").ValueKind);
    }
}
