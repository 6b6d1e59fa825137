using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Orchestrator.Silo.Tests;

namespace Orchestrator.Dashboard.Tests;

/// <summary>A silo process on a free port and a headless Debian Chromium driven by Playwright (its own browser download
/// is not used). Starting Chromium failing fails the tests: they never skip.</summary>
public class DashboardSilo : IAsyncLifetime
{
    /// <summary>Where Chromium is: <c>CHROMIUM_PATH</c>, else Debian's.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly TemporaryDirectory _workDir = new();
    private SiloProcess? _silo;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Extra silo arguments (a subclass adds a key file).</summary>
    protected virtual IEnumerable<string> SiloArguments(string workDirectory) => [];

    /// <summary>The key API calls of the fixture send, if any.</summary>
    protected virtual string? ApiKey => null;

    public async Task InitializeAsync()
    {
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        BaseAddress = new Uri(url);
        _silo = SiloProcess.Start(_workDir.Path, ["--urls", url, "--storage", "memory", .. SiloArguments(_workDir.Path)]);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (ApiKey is { } key)
        {
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        await _silo.WaitUntilHealthyAsync(Http);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not at {ChromiumPath}: run ./test.sh (it installs it with apt) or set CHROMIUM_PATH.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root (as in CI) cannot use Chromium's sandbox.
            Args = ["--no-sandbox"],
        });
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    /// <summary>A page at a laptop's (or <paramref name="width"/>'s) size that records console errors and page errors.</summary>
    public async Task<BrowserPage> OpenAsync(int width = 1280, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var browserPage = new BrowserPage(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                browserPage.Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => browserPage.Errors.Add($"page error: {error}");
        return browserPage;
    }

    public async Task PutWorkflowAsync(string yaml)
    {
        using var put = await Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> GetAsync(string path) => (await Http.GetFromJsonAsync<JsonObject>(new Uri(path, UriKind.Relative)))!;

    /// <summary>Reads <paramref name="path"/> until <paramref name="condition"/> holds (progress the silo makes on its
    /// own, such as its history samples); fails after 30 s.</summary>
    public async Task<JsonObject> WaitForAsync(string path, Func<JsonObject, bool> condition)
    {
        var bound = TimeSpan.FromSeconds(30);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
            if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is JsonObject body && condition(body))
            {
                return body;
            }

            Assert.True(watch.Elapsed < bound, $"{path} did not reach the expected state within {bound}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Writes a screenshot where the test results go (TestResults/screenshots).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        _silo?.Dispose();
        _workDir.Dispose();
    }
}

/// <summary>A browser tab with what it reported as errors.</summary>
public sealed class BrowserPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    public List<string> Errors { get; } = [];

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
