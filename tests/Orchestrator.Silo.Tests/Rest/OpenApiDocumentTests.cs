using System.Text.Json;

namespace Orchestrator.Silo.Tests.Rest;

/// <summary>The OpenAPI document meets what Redocly's recommended rules ask (openapi/lint.sh runs them): every operation
/// has an id, a summary, a success response and the 4xx problems it can give; tags are described; the server URL ends
/// without a slash; the dashboard's own UI routes stay out.</summary>
[Collection(RestHostGroup.Name)]
public sealed class OpenApiDocumentTests(RestApiHost host)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>Operations that take no input that can be wrong: they never answer a 4xx (the same list as
    /// openapi/.redocly.lint-ignore.yaml).</summary>
    /// <summary>Operations whose only client errors are those of authentication (401, 403): they take no input that
    /// can be wrong; health takes no key either.</summary>
    private static readonly HashSet<string> WithoutClientErrors =
        ["GET /api/health", "GET /api/queues", "GET /api/silos", "GET /api/grains", "GET /metrics", "GET /api/keys", "GET /api/session", "DELETE /api/session"];

    /// <summary>Operations open to anyone: health for load balancers, and the browser's login.</summary>
    private static readonly HashSet<string> Anonymous = ["GET /api/health", "GET /api/session", "POST /api/session", "DELETE /api/session"];

    [Fact]
    public async Task EveryOperation_HasAnIdASummaryASuccessAndItsClientErrors()
    {
        var operations = Operations(await host.GetJsonAsync("/openapi/v1.json")).ToList();

        Assert.NotEmpty(operations);
        Assert.DoesNotContain(operations, operation => operation.Key.Contains(" /dashboard", StringComparison.Ordinal));
        var ids = new List<string>();
        foreach (var (key, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("operationId", out var id) && id.GetString() is { Length: > 0 }, $"{key} has no operationId");
            ids.Add(id.GetString()!);
            Assert.True(operation.TryGetProperty("summary", out var summary) && summary.GetString() is { Length: > 0 }, $"{key} has no summary");
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.True(responses.Any(r => r.Name.StartsWith('2')), $"{key} declares no 2xx response");
            var clientErrors = responses.Where(r => r.Name.StartsWith('4')).ToList();
            if (WithoutClientErrors.Contains(key))
            {
                Assert.DoesNotContain(clientErrors, e => e.Name is not ("401" or "403"));
                continue;
            }

            Assert.True(clientErrors.Count > 0, $"{key} declares no 4xx response");
            foreach (var error in clientErrors)
            {
                Assert.True(error.Value.TryGetProperty("content", out var content) && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)),
                    $"{key} {error.Name} has no body schema");
            }
        }

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(WithoutClientErrors, key => Assert.Contains(operations, operation => operation.Key == key));
    }

    [Fact]
    public async Task EveryOperation_NamesTheRoleItNeeds_AndEverySecuredOneTheBearerKeyAnd401And403()
    {
        var document = await host.GetJsonAsync("/openapi/v1.json");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");

        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        foreach (var (key, operation) in Operations(document))
        {
            if (Anonymous.Contains(key))
            {
                Assert.Empty(Assert.Single(operation.GetProperty("security").EnumerateArray()).EnumerateObject());
                continue;
            }

            Assert.True(operation.TryGetProperty("x-required-role", out var role) && role.GetString() is "viewer" or "operator" or "admin", $"{key} names no role");
            var security = Assert.Single(operation.GetProperty("security").EnumerateArray());
            Assert.True(security.TryGetProperty("bearer", out _), $"{key} does not ask for the bearer key");
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _) && responses.TryGetProperty("403", out _), $"{key} does not declare 401 and 403");
        }

        var runs = document.GetProperty("paths").GetProperty("/api/runs");
        Assert.Equal(("viewer", "operator"), (runs.GetProperty("get").GetProperty("x-required-role").GetString(), runs.GetProperty("post").GetProperty("x-required-role").GetString()));
        Assert.Equal("admin", document.GetProperty("paths").GetProperty("/api/workflows").GetProperty("post").GetProperty("x-required-role").GetString());
    }

    [Fact]
    public async Task EveryTagInUse_IsDescribed_AndTheServerUrlEndsWithoutASlash()
    {
        var document = await host.GetJsonAsync("/openapi/v1.json");

        var described = document.GetProperty("tags").EnumerateArray()
            .ToDictionary(tag => tag.GetProperty("name").GetString()!, tag => tag.TryGetProperty("description", out var d) ? d.GetString() : null);
        var used = Operations(document).SelectMany(operation => operation.Value.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()!)).ToHashSet();
        Assert.All(used, tag => Assert.False(string.IsNullOrWhiteSpace(described.GetValueOrDefault(tag)), $"tag '{tag}' has no description"));
        Assert.All(document.GetProperty("servers").EnumerateArray(), server => Assert.False(server.GetProperty("url").GetString()!.EndsWith('/')));
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        where Methods.Contains(method.Name)
        select new KeyValuePair<string, JsonElement>($"{method.Name.ToUpperInvariant()} {path.Name}", method.Value);
}
