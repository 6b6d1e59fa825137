using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>API keys and roles on a silo whose key file turns authentication on: every route needs its declared role,
/// keys are managed by admins, revoked keys stop working, sockets authenticate.</summary>
public sealed class SecurityTests(SecuredSilo secured) : IClassFixture<SecuredSilo>
{
    private static readonly (string Name, string? Key, ApiRole? Role)[] Callers =
    [
        ("none", null, null),
        ("unknown", "ork_0000000000000000_not-a-real-secret", null),
        ("viewer", SecuredSilo.ViewerKey, ApiRole.Viewer),
        ("operator", SecuredSilo.OperatorKey, ApiRole.Operator),
        ("admin", SecuredSilo.AdminKey, ApiRole.Admin),
    ];

    private IEnumerable<(RouteEndpoint Endpoint, string Method, string Path, RequiredRole? Declared)> Endpoints() =>
        secured.Silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (e, method, Path(e), e.Metadata.GetMetadata<RequiredRole>())));

    private static string Path(RouteEndpoint endpoint)
    {
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => parameter.Name == "documentName" ? "v1" : "no-such-thing",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }

    [Fact]
    public void EveryEndpoint_DeclaresTheRoleItNeeds()
    {
        var undeclared = Endpoints().Where(e => e.Declared is null).Select(e => $"{e.Method} {e.Path}").ToList();

        Assert.NotEmpty(Endpoints());
        Assert.True(undeclared.Count == 0, $"endpoints without a declared role: {string.Join(", ", undeclared)}");
    }

    [Fact]
    public async Task EveryRoute_AnswersEachCallerAsItsRoleAllows()
    {
        var wrong = new List<string>();
        foreach (var (name, key, role) in Callers)
        {
            using var client = secured.Client(key);
            foreach (var (_, method, path, declared) in Endpoints())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (method is "POST" or "PUT")
                {
                    request.Content = JsonContent.Create(new JsonObject());
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var expected = declared!.Role switch
                {
                    null => "anything but 401/403",
                    var needed when role is null => "401",
                    var needed when role < needed => "403",
                    _ => "anything but 401/403",
                };
                var ok = expected switch
                {
                    "401" => status == 401,
                    "403" => status == 403,
                    _ => status is not (401 or 403),
                };
                if (!ok)
                {
                    wrong.Add($"{name}: {method} {path} answered {status}, expected {expected}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task RefusedRequests_AreProblemsThatNameWhatWasMissing()
    {
        using var anonymous = secured.Client(null);
        using var viewer = secured.Client(SecuredSilo.ViewerKey);

        using var missing = await anonymous.GetAsync(new Uri("/api/runs", UriKind.Relative));
        using var tooLow = await viewer.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "x" });
        using var health = await anonymous.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var unknownRoute = await viewer.GetAsync(new Uri("/api/no-such-route", UriKind.Relative));
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/runs", UriKind.Relative));
        withHeader.Headers.Add("X-Api-Key", SecuredSilo.ViewerKey);
        using var byHeader = await anonymous.SendAsync(withHeader);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
        var problem = await missing.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("viewer", problem!["requiredRole"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, tooLow.StatusCode);
        var forbidden = await tooLow.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(("operator", "viewer"), (forbidden!["requiredRole"]!.GetValue<string>(), forbidden["role"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
    }

    [Fact]
    public async Task Keys_AreCreatedShownOnceListedWithoutTheKey_AndStopWorkingWhenRevoked()
    {
        using var admin = secured.Client(SecuredSilo.AdminKey);
        using var operatorClient = secured.Client(SecuredSilo.OperatorKey);

        using var created = await admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "ci job", role = "operator" });
        var key = await created.Content.ReadFromJsonAsync<JsonObject>();
        using var byNewKey = secured.Client(key!["key"]!.GetValue<string>());
        using var used = await byNewKey.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "no-such-workflow" });
        var listed = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/keys", UriKind.Relative));
        using var badRole = await admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "x", role = "root" });
        using var notAdmin = await operatorClient.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "x", role = "viewer" });
        using var revoked = await admin.DeleteAsync(new Uri($"/api/keys/{key["id"]!.GetValue<string>()}", UriKind.Relative));
        using var afterRevoke = await byNewKey.GetAsync(new Uri("/api/runs", UriKind.Relative));
        using var revokedAgain = await admin.DeleteAsync(new Uri($"/api/keys/{key["id"]!.GetValue<string>()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("ci job", "operator"), (key["name"]!.GetValue<string>(), key["role"]!.GetValue<string>()));
        Assert.StartsWith("ork_", key["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, used.StatusCode);
        var item = Assert.Single(listed!["items"]!.AsArray(), k => k!["id"]!.GetValue<string>() == key["id"]!.GetValue<string>())!.AsObject();
        Assert.Equal("operator", item["role"]!.GetValue<string>());
        Assert.DoesNotContain(listed.ToJsonString(), key["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(item.ContainsKey("key") || item.ContainsKey("hash") || item.ContainsKey("salt"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badRole.StatusCode);
        Assert.Equal("role", (await badRole.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokedAgain.StatusCode);
    }

    [Fact]
    public async Task RunEventSocket_NeedsAKey_GivenAsAHeaderOrAnAccessToken()
    {
        using var admin = secured.Client(SecuredSilo.AdminKey);
        using var stored = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative),
            new StringContent("name: secured-socket\nnodes:\n  a: { type: noop }\n", System.Text.Encoding.UTF8, "application/yaml"));
        using var started = await admin.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "secured-socket" });
        var runId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
        var socketUri = new Uri(new Uri($"ws://{secured.Silo.BaseAddress.Authority}/"), $"/api/runs/{runId}/events");

        using var anonymous = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => anonymous.ConnectAsync(socketUri, CancellationToken.None));
        using var byToken = new ClientWebSocket();
        await byToken.ConnectAsync(new Uri(socketUri + $"?access_token={SecuredSilo.ViewerKey}"), CancellationToken.None);
        using var byHeader = new ClientWebSocket();
        byHeader.Options.SetRequestHeader("Authorization", $"Bearer {SecuredSilo.ViewerKey}");
        await byHeader.ConnectAsync(socketUri, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
        Assert.NotNull(refused);
        Assert.Equal(WebSocketState.Open, byToken.State);
        Assert.Equal(WebSocketState.Open, byHeader.State);
    }

    [Fact]
    public async Task BrowserOrigins_OnlyTheSilosOwnAndTheAllowedOnes_OpenSocketsAndGetCors()
    {
        var socketUri = new Uri($"ws://{secured.Silo.BaseAddress.Authority}/ws?access_token={SecuredSilo.ViewerKey}");
        var own = $"http://{secured.Silo.BaseAddress.Authority}";

        using var foreign = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        foreign.Options.SetRequestHeader("Origin", "https://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(socketUri, CancellationToken.None));
        using var fromOwn = new ClientWebSocket();
        fromOwn.Options.SetRequestHeader("Origin", own);
        await fromOwn.ConnectAsync(socketUri, CancellationToken.None);
        using var fromAllowed = new ClientWebSocket();
        fromAllowed.Options.SetRequestHeader("Origin", SecuredSilo.AllowedOrigin);
        await fromAllowed.ConnectAsync(socketUri, CancellationToken.None);

        using var http = secured.Client(null);
        using var allowedPreflight = await PreflightAsync(http, SecuredSilo.AllowedOrigin);
        using var foreignPreflight = await PreflightAsync(http, "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);
        Assert.Equal(WebSocketState.Open, fromOwn.State);
        Assert.Equal(WebSocketState.Open, fromAllowed.State);
        Assert.Equal(SecuredSilo.AllowedOrigin, allowedPreflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(foreignPreflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/runs", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task MutatingRequests_AreAudited_WithWhoWhatWhenWhereAndOutcome_ForAdminsOnly()
    {
        using var admin = secured.Client(SecuredSilo.AdminKey);
        using var operatorClient = secured.Client(SecuredSilo.OperatorKey);
        using var viewer = secured.Client(SecuredSilo.ViewerKey);
        var workflow = $"audited-{Guid.NewGuid():N}"[..20];

        using var stored = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative),
            new StringContent($"name: {workflow}\nnodes:\n  a: {{ type: noop }}\n", System.Text.Encoding.UTF8, "application/yaml"));
        using var started = await operatorClient.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow });
        using var refused = await viewer.DeleteAsync(new Uri($"/api/workflows/{workflow}", UriKind.Relative));
        using var read = await viewer.GetAsync(new Uri("/api/runs", UriKind.Relative));
        var audit = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?limit=500", UriKind.Relative));
        var firstPage = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?limit=1", UriKind.Relative));
        var secondPage = await admin.GetFromJsonAsync<JsonObject>(new Uri($"/api/audit?limit=1&cursor={firstPage!["cursor"]!.GetValue<string>()}", UriKind.Relative));
        using var notAdmin = await operatorClient.GetAsync(new Uri("/api/audit", UriKind.Relative));

        var entries = audit!["items"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var runId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
        var put = Assert.Single(entries, e => e["target"]!.GetValue<string>() == "/api/workflows" && e["status"]!.GetValue<int>() == 201
            && e["at"]!.GetValue<DateTimeOffset>() >= DateTimeOffset.UtcNow.AddMinutes(-5) && e["keyName"]!.GetValue<string>() == "key file, key 3");
        Assert.Equal(("POST", "admin", "/api/workflows", "127.0.0.1"), (put["method"]!.GetValue<string>(), put["role"]!.GetValue<string>(), put["route"]!.GetValue<string>(), put["clientAddress"]!.GetValue<string>()));
        Assert.Contains(entries, e => e["role"]?.GetValue<string>() == "operator" && e["route"]!.GetValue<string>() == "/api/runs" && e["status"]!.GetValue<int>() == 202);
        var denied = Assert.Single(entries, e => e["target"]!.GetValue<string>() == $"/api/workflows/{workflow}");
        Assert.Equal(("DELETE", "viewer", 403), (denied["method"]!.GetValue<string>(), denied["role"]!.GetValue<string>(), denied["status"]!.GetValue<int>()));
        Assert.DoesNotContain(entries, e => e["method"]!.GetValue<string>() == "GET");
        Assert.True(runId.Length > 0);
        var times = entries.Select(e => e["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal(entries[1]["id"]!.GetValue<string>(), Assert.Single(secondPage!["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
    }
}
