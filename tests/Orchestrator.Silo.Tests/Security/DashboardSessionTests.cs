using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Tests.Security;

/// <summary>The dashboard's login: a key goes into an HTTP-only, SameSite=Strict cookie that then authenticates the
/// browser's requests, and requests that change something need the session's anti-forgery token as well.</summary>
public sealed class DashboardSessionTests(SecuredSilo secured) : IClassFixture<SecuredSilo>
{
    [Fact]
    public async Task LogIn_SetsAnHttpOnlyStrictCookie_ThatReadsWithItsRole_AndActsOnlyWithTheAntiForgeryToken()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = secured.Silo.BaseAddress };

        using var before = await browser.GetAsync(new Uri("/api/runs", UriKind.Relative));
        var anonymous = (await browser.GetFromJsonAsync<JsonObject>(new Uri("/api/session", UriKind.Relative)))!;
        using var login = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key = SecuredSilo.OperatorKey });
        var session = (await login.Content.ReadFromJsonAsync<JsonObject>())!;
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal((true, false), ((bool)anonymous["authRequired"]!, (bool)anonymous["authenticated"]!));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("operator", (string?)session["role"]);
        Assert.StartsWith($"{DashboardSession.CookieName}=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var token = (string)session["antiForgeryToken"]!;

        // Reading with the cookie alone works, and the session says who it is.
        using var runs = await browser.GetAsync(new Uri("/api/runs", UriKind.Relative));
        var described = (await browser.GetFromJsonAsync<JsonObject>(new Uri("/api/session", UriKind.Relative)))!;
        Assert.Equal(HttpStatusCode.OK, runs.StatusCode);
        Assert.Equal((true, "operator", token), ((bool)described["authenticated"]!, (string?)described["role"], (string?)described["antiForgeryToken"]));

        // An action without the token is refused and does nothing; with it, it is carried out.
        using var admin = secured.Client(SecuredSilo.AdminKey);
        using (var put = await admin.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            "name: session-wait\nnodes:\n  wait: { type: delay, duration: 10m }\n", System.Text.Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var runId = (await (await admin.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "session-wait" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
        using var forged = await browser.PostAsJsonAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), new { reason = "forged" });
        var refusal = (await forged.Content.ReadFromJsonAsync<JsonObject>())!;
        var untouched = (await admin.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/runs/{runId}/cancel", UriKind.Relative)) { Content = JsonContent.Create(new { reason = "forged" }) };
        wrongToken.Headers.Add(DashboardSession.AntiForgeryHeader, DashboardSession.AntiForgeryToken(SecuredSilo.ViewerKey));
        using var wrong = await browser.SendAsync(wrongToken);
        using var signed = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/runs/{runId}/cancel", UriKind.Relative)) { Content = JsonContent.Create(new { reason = "from the dashboard" }) };
        signed.Headers.Add(DashboardSession.AntiForgeryHeader, token);
        using var cancelled = await browser.SendAsync(signed);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(DashboardSession.AntiForgeryHeader, (string?)refusal["field"]);
        Assert.Equal("running", (string?)untouched["status"]);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        var after = (await admin.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
        Assert.Equal("cancelled", (string?)after["status"]);

        // Logging out ends the session.
        using var logout = await browser.DeleteAsync(new Uri("/api/session", UriKind.Relative));
        using var afterLogout = await browser.GetAsync(new Uri("/api/runs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode);
    }

    [Fact]
    public async Task LogIn_RefusesAMissingOrUnknownKey_NamingTheField_AndSetsNoCookie()
    {
        using var browser = new HttpClient { BaseAddress = secured.Silo.BaseAddress };

        using var missing = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { });
        using var unknown = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key = "ork_0000000000000000_wrong" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal("key", (string?)(await missing.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("key", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
        Assert.False(unknown.Headers.Contains("Set-Cookie"));
    }
}
