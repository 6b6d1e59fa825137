using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Silo.Tests.Telemetry;

/// <summary><c>--log-format json</c>: one JSON object a line, with the attempt's run, node, attempt and trace in scope.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task JsonLogFormat_WritesOneObjectALine_WithTheAttemptsRunNodeAttemptAndTraceInScope()
    {
        using var workDir = new TemporaryDirectory();
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        using var silo = SiloProcess.Start(workDir.Path, "--urls", url, "--storage", "memory", "--log-format", "json",
            "--Logging:LogLevel:Orchestrator.Runs.Engine.AttemptRunner", "Debug");
        await silo.WaitUntilHealthyAsync(client);
        using (var put = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(
            """{"name":"logged","nodes":{"broken":{"type":"fail","message":"on purpose","retry":{"maxAttempts":1}}}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var started = await client.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "logged" });
        var run = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("failed", (string?)run["status"]);
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(line => JsonNode.Parse(line) as JsonObject ?? throw new JsonException($"not an object: {line}")).ToList();
        var failed = Assert.Single(entries, e => (string?)e["Category"] == "Orchestrator.Runs.Engine.AttemptRunner");
        Assert.Equal("Debug", (string?)failed["LogLevel"]);
        var scope = Assert.Single(failed["Scopes"]!.AsArray(), s => s?["RunId"] is not null)!;
        Assert.Equal((string?)run["runId"], (string?)scope["RunId"]);
        Assert.Equal("broken", (string?)scope["Node"]);
        Assert.Equal(1, (int?)scope["Attempt"]);
        Assert.Equal((string?)run["traceId"], (string?)scope["TraceId"]);
    }
}
