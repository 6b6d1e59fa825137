using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The dashboard on a silo that needs keys: it asks for one, logs in into its HTTP-only cookie (which page
/// scripts cannot read), and its actions carry the session's anti-forgery token.</summary>
public sealed class DashboardLoginTests(DashboardLoginTests.Secured silo) : IClassFixture<DashboardLoginTests.Secured>
{
    [Fact]
    public async Task APageAsksForAKey_LogsInWithIt_ThenActs_AndTheKeyStaysOutOfReachOfScripts()
    {
        await silo.PutWorkflowAsync("name: login-wait\nnodes:\n  wait: { type: delay, duration: 10m }\n");
        var runId = (await silo.PostAsync("/api/runs", new { workflow = "login-wait" }))["runId"]!.GetValue<string>();
        await using var tab = await silo.OpenAsync();
        var page = tab.Page;

        await page.GotoAsync($"/runs/{runId}");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?next="));
        await page.Locator("input[name='key']").FillAsync("ork_0000000000000000_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator(".field-problem")).ToContainTextAsync("unknown");

        await page.Locator("input[name='key']").FillAsync(Secured.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToContainTextAsync(runId);
        await Expect(page.Locator("#who")).ToContainTextAsync("operator");
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "orchestrator_key");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync("Cancel: done");
        Assert.Equal("cancelled", (string?)(await silo.GetAsync($"/api/runs/{runId}"))["status"]);

        // The same cookie without the token (a forged cross-site form post would have no way to get it) is refused.
        var forged = await page.APIRequest.PostAsync($"/api/runs/{runId}/pause", new() { DataObject = new { } });
        Assert.Equal(403, forged.Status);
        Assert.DoesNotContain(tab.Errors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    public sealed class Secured : DashboardSilo
    {
        public const string OperatorKey = "operator-key-for-the-dashboard";
        private const string AdminKey = "admin-key-for-the-dashboard";

        protected override string? ApiKey => AdminKey;

        protected override IEnumerable<string> SiloArguments(string workDirectory)
        {
            var file = Path.Combine(workDirectory, "keys");
            File.WriteAllText(file, $"operator {OperatorKey}\nadmin {AdminKey}\n");
            return ["--api-keys-file", file];
        }
    }
}
