using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The dashboard in a real browser against a real silo: every page shows the silo's data, runs change live,
/// actions reach the API, and forms show the server's field-level problems.</summary>
public sealed class DashboardPagesTests(DashboardPagesTests.Silo silo) : IClassFixture<DashboardPagesTests.Silo>
{
    [Fact]
    public async Task EveryPage_ShowsTheSilosData_AtLaptopAndPhoneWidths_WithoutConsoleErrors()
    {
        var data = await silo.SeedAsync();
        var pages = new (string Name, string Path, string Shows)[]
        {
            ("overview", "/", data.CompletedRunId),
            ("runs", "/runs", data.CompletedRunId),
            ("run", $"/runs/{data.CompletedRunId}", "squares"),
            ("workflows", "/workflows", "dash-dag"),
            ("workflow", "/workflows/dash-dag", "Start a run"),
            ("loops", "/loops", data.LoopId),
            ("loop", $"/loops/{data.LoopId}", "tick"),
            ("queue", "/queues/dash-readings", "loop:"),
            ("schedules", "/schedules", "dash-nightly"),
            ("schedule", $"/schedules/{data.ScheduleId}", "Next fire times"),
            ("errors", "/errors", data.ErrorId),
            ("error", $"/errors/{data.ErrorId}", "always broken"),
        };
        foreach (var (width, height, size) in new[] { (1280, 860, "laptop"), (390, 844, "phone") })
        {
            await using var tab = await silo.OpenAsync(width, height);
            foreach (var (name, path, shows) in pages)
            {
                await tab.Page.GotoAsync(path);
                await Expect(tab.Page.Locator("main")).ToContainTextAsync(shows);
                await Expect(tab.Page.Locator("main")).Not.ToContainTextAsync("Could not load this page");
                if (name == "workflow")
                {
                    // The definition shown as YAML reads back as the same workflow.
                    var yaml = await tab.Page.Locator("pre.yaml").InnerTextAsync();
                    using var validated = await silo.Http.PostAsync(new Uri("/api/workflows/validate", UriKind.Relative),
                        new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
                    var answer = await validated.Content.ReadAsStringAsync();
                    Assert.True(validated.IsSuccessStatusCode, answer);
                    Assert.Contains("\"name\":\"dash-dag\"", answer, StringComparison.Ordinal);
                }

                if (name == "overview")
                {
                    // The charts come from /api/stats/runs: the seeded runs are bars of the last hour and day.
                    await Expect(tab.Page.Locator(".chart")).ToHaveCountAsync(2);
                    await Expect(tab.Page.Locator(".chart-box").First).ToContainTextAsync("completed");
                    Assert.True(await tab.Page.Locator(".chart .bar.s-failed").CountAsync() >= 1);
                    await Expect(tab.Page.Locator(".cards")).ToContainTextAsync("Tasks/s");
                    await Expect(tab.Page.Locator(".cards")).ToContainTextAsync("Node p50 / p99");
                }

                await DashboardSilo.ScreenshotAsync(tab.Page, $"{name}-{size}");
            }

            Assert.True(tab.Errors.Count == 0, string.Join('\n', tab.Errors));
        }
    }

    [Fact]
    public async Task ARunsNodes_ChangeColourLive_AndItsTimelineGrows_WithoutAReload()
    {
        await silo.PutWorkflowAsync("""
            name: dash-live
            nodes:
              first: { type: noop }
              wait:  { type: delay, duration: 3s, dependsOn: [first] }
              after: { type: set, values: { done: "true" }, dependsOn: [wait] }
            """);
        await using var tab = await silo.OpenAsync();
        var runId = (await silo.PostAsync("/api/runs", new { workflow = "dash-live" }))["runId"]!.GetValue<string>();
        await tab.Page.GotoAsync($"/runs/{runId}");
        var marker = await tab.Page.EvaluateAsync<string>("() => (window.__sameDocument = 'kept')");

        await Expect(tab.Page.Locator("[data-node='wait']")).ToHaveAttributeAsync("data-status", "running");
        var eventsWhileRunning = await tab.Page.Locator(".timeline li").CountAsync();
        await Expect(tab.Page.Locator("[data-node='after']")).ToHaveAttributeAsync("data-status", "completed");
        await Expect(tab.Page.Locator(".timeline li[data-type='run.completed']")).ToHaveCountAsync(1);

        Assert.True(await tab.Page.Locator(".timeline li").CountAsync() > eventsWhileRunning);
        Assert.Equal("kept", await tab.Page.EvaluateAsync<string>("() => window.__sameDocument"));
        Assert.Equal("kept", marker);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task TheQueuePage_DrawsDepthAndLagFromItsHistory_TheWorkflowPageItsNodeDurations_AndRunsLinkTheirSubRuns()
    {
        await silo.SeedAsync();
        await silo.PutWorkflowAsync("""
            name: dash-parent
            nodes:
              child: { type: workflow, workflow: dash-dag, input: { numbers: [4] } }
            """);
        var parent = await silo.PostAsync("/api/runs?wait=true", new { workflow = "dash-parent" });
        Assert.Equal("completed", (string?)parent["status"]);
        var parentId = parent["runId"]!.GetValue<string>();
        await using var tab = await silo.OpenAsync();
        var page = tab.Page;

        // The silo samples every 10 s: once the queue's history has a sample, the page draws it with the live values.
        await silo.WaitForAsync("/api/queues/dash-readings/history", history => history["items"]!.AsArray().Count > 0);
        await page.GotoAsync("/queues/dash-readings");
        var depth = page.Locator(".chart polyline.l-depth");
        await Expect(depth).ToHaveCountAsync(1);
        await Expect(page.Locator(".chart polyline.l-lag")).ToHaveCountAsync(1);
        await Expect(page.Locator(".chart-box figcaption")).ToContainTextAsync("Depth and lag");
        Assert.True((await depth.GetAttributeAsync("points"))!.Split(' ').Length >= 2);

        await page.GotoAsync("/workflows/dash-dag");
        var stats = page.Locator(".workflow-stats");
        await Expect(stats).ToContainTextAsync("Durations, last 24 hours");
        await Expect(stats.Locator("td", new() { HasTextString = "square" })).ToHaveCountAsync(1);
        await Expect(stats.Locator("td", new() { HasTextString = "collect" })).ToHaveCountAsync(1);

        await page.GotoAsync($"/runs/{parentId}");
        var subRun = page.Locator("section", new() { HasTextString = "Sub-runs" }).Locator($"a[href^='/runs/{parentId}.child.']");
        await Expect(subRun).ToHaveCountAsync(1);
        await subRun.ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("sub-run of");
        await page.Locator($"main a[href='/runs/{parentId}']").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/runs/{Regex.Escape(parentId)}$"));
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task ALoopsPage_CountsItsIterationsAndShowsItsLog_LiveFromItsFeed()
    {
        var data = await silo.SeedAsync();
        await using var tab = await silo.OpenAsync();
        await tab.Page.GotoAsync($"/loops/{data.LoopId}");
        var iterations = tab.Page.Locator(".iterations");
        var first = await iterations.InnerTextAsync();

        await Expect(iterations).Not.ToHaveTextAsync(first);
        await Expect(tab.Page.Locator(".log li").First).ToContainTextAsync("stamp");
        await Expect(tab.Page.Locator("#connection")).ToHaveTextAsync("live");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task CancellingARun_RetryingAnErrorRecord_AndDisablingASchedule_FromTheDashboard_ReachTheApi()
    {
        var data = await silo.SeedAsync();
        await using var tab = await silo.OpenAsync();
        var page = tab.Page;

        var longRun = (await silo.PostAsync("/api/runs", new { workflow = "dash-long" }))["runId"]!.GetValue<string>();
        await page.GotoAsync($"/runs/{longRun}");
        await Expect(page.Locator("[data-node='wait']")).ToHaveAttributeAsync("data-status", "running");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("from the browser test");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync("Cancel: done");
        Assert.Equal("cancelled", (string?)(await silo.GetAsync($"/api/runs/{longRun}"))["status"]);

        await page.GotoAsync($"/errors/{data.ErrorId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry", Exact = true }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync("Retry: done");
        var record = await silo.GetAsync($"/api/errors/{data.ErrorId}");
        Assert.Contains(record["history"]!.AsArray(), a => (string?)a!["action"] == "retry" && (string?)a["by"] == "dashboard");

        await page.GotoAsync($"/schedules/{data.ScheduleId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Enable", Exact = true })).ToBeVisibleAsync();
        Assert.False((bool)(await silo.GetAsync($"/api/schedules/{data.ScheduleId}"))["enabled"]!);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task StartingARunWithABadInput_ShowsTheServersProblemNextToTheField()
    {
        await silo.SeedAsync();
        await using var tab = await silo.OpenAsync();
        var page = tab.Page;
        await page.GotoAsync("/workflows/dash-dag");

        await page.Locator("textarea[name='input']").FillAsync("[1, 2, 3]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a run" }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();

        var problem = page.Locator("textarea[name='input'] + .field-problem");
        await Expect(problem).ToContainTextAsync("input");
        await Expect(page.Locator("textarea[name='input']")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.EndsWith("/workflows/dash-dag", page.Url, StringComparison.Ordinal);

        await page.Locator("textarea[name='input']").FillAsync("{not json");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a run" }).ClickAsync();
        await Expect(problem).ToContainTextAsync("Not JSON");
    }

    /// <summary>The silo of these tests, with what the pages show put in once.</summary>
    public sealed class Silo : DashboardSilo
    {
        private readonly SemaphoreSlim _seeding = new(1, 1);
        private Seeded? _seeded;

        public async Task<Seeded> SeedAsync()
        {
            await _seeding.WaitAsync();
            try
            {
                return _seeded ??= await SeedOnceAsync();
            }
            finally
            {
                _seeding.Release();
            }
        }

        private async Task<Seeded> SeedOnceAsync()
        {
            await PutWorkflowAsync("""
                name: dash-dag
                nodes:
                  square: { type: set, forEach: "input.numbers", values: { n: "item", square: "item * item" }, merge: false }
                  collect: { type: set, values: { squares: "nodes.square.output" }, dependsOn: [square] }
                """);
            await PutWorkflowAsync("""
                name: dash-fail
                nodes:
                  broken: { type: fail, message: "always broken", retry: { maxAttempts: 1 } }
                """);
            await PutWorkflowAsync("""
                name: dash-long
                nodes:
                  wait: { type: delay, duration: 10m }
                """);
            await PutWorkflowAsync("""
                name: dash-loop
                loops:
                  tick:
                    producer: { type: interval, every: 100ms }
                    chain:
                      - { node: stamp, mode: blocking }
                      - { node: push, mode: blocking }
                  drain:
                    producer: { type: queue, queue: dash-readings }
                    chain:
                      - { node: note, mode: blocking }
                nodes:
                  stamp: { type: log, message: "tick ${iteration}" }
                  push: { type: queue.push, queue: dash-readings, value: "${iteration}" }
                  note: { type: log, message: "got ${data}" }
                """);
            var completed = await PostAsync("/api/runs?wait=true", new { workflow = "dash-dag", input = new JsonObject { ["numbers"] = new JsonArray(2, 3) } });
            Assert.Equal("completed", (string?)completed["status"]);
            var failed = await PostAsync("/api/runs?wait=true", new { workflow = "dash-fail" });
            Assert.Equal("failed", (string?)failed["status"]);
            var loopRun = (await PostAsync("/api/runs", new { workflow = "dash-loop" }))["runId"]!.GetValue<string>();
            var schedule = await PostAsync("/api/schedules", new { name = "dash-nightly", workflow = "dash-dag", cron = "0 3 * * *", input = new JsonObject { ["numbers"] = new JsonArray(1) } });
            return new Seeded(
                completed["runId"]!.GetValue<string>(),
                $"{failed["runId"]!.GetValue<string>()}.broken.1",
                $"{loopRun}:tick",
                schedule["id"]!.GetValue<string>());
        }
    }

    public sealed record Seeded(string CompletedRunId, string ErrorId, string LoopId, string ScheduleId);
}
