using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Silo.Tests.Schedules;

namespace Orchestrator.Silo.Tests;

/// <summary>Loops on a real silo process killed with SIGKILL: they run again after the restart, and the consuming loop
/// loses no message, while a message handled twice repeats its idempotency key.</summary>
public sealed class LoopCrashRecoveryTests
{
    [Fact]
    public async Task Loops_ResumeAfterKill9_AndTheConsumerLosesNoMessage()
    {
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "data");
        var effects = Path.Combine(workDir.Path, "effects.log");
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        var definition = $$"""
            name: loop-crash
            loops:
              source:
                pool: thread
                producer: { type: interval, every: 20ms }
                chain: [ { node: stamp }, { node: push } ]
              sink:
                pool: async
                producer: { type: queue, queue: loop-crash }
                chain: [ { node: effect } ]
            nodes:
              stamp: { type: set, values: { n: "iteration" } }
              push: { type: queue.push, queue: loop-crash, value: "${data}" }
              effect:
                type: shell
                command: [sh, -c, 'printf "%s\n" "$ORCHESTRATOR_IDEMPOTENCY_KEY" >> "$1"', effect, '{{effects}}']
            """;

        string runId;
        using (var first = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir))
        {
            await first.WaitUntilHealthyAsync(client);
            await client.PutWorkflowAsync(definition);
            using var start = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "loop-crash" });
            runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
            await first.WaitForLinesAsync(effects, 10);
            first.Crash();
        }

        var before = (await File.ReadAllLinesAsync(effects)).Length;
        using var second = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir);
        await second.WaitUntilHealthyAsync(client);
        await second.WaitForLinesAsync(effects, before + 10);

        var loops = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/loops?runId={runId}", UriKind.Relative)))!["items"]!.AsArray();
        Assert.Equal(["running", "running"], loops.Select(l => l!["state"]!.GetValue<string>()));
        using (var cancel = await client.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        // Keys are {loopId}/effect/q{sequence}/{attempt}: every message from the first on was handled (no gap), and a
        // message handled again after the crash carries the key it had the first time.
        var keys = (await File.ReadAllLinesAsync(effects)).Where(line => line.Length > 0).ToList();
        var sequences = keys.Select(key => long.Parse(key.Split('/')[^2].TrimStart('q'), System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.All(keys, key => Assert.StartsWith($"{runId}:sink/effect/q", key, StringComparison.Ordinal));
        Assert.All(keys.GroupBy(key => key.Split('/')[^2]), group => Assert.Single(group.Distinct()));
    }

    [Fact]
    public async Task LoopIterationNumbers_AreNeverReused_AfterKill9()
    {
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "data");
        var numbers = Path.Combine(workDir.Path, "iterations.log");
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        var definition = $$"""
            name: loop-numbers
            loops:
              tick:
                producer: { type: interval, every: 20ms }
                chain: [ { node: record } ]
            nodes:
              record:
                type: shell
                command: [sh, -c, 'printf "%s\n" "$1" >> "$2"', record, '${iteration}', '{{numbers}}']
            """;

        using (var first = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir))
        {
            await first.WaitUntilHealthyAsync(client);
            await client.PutWorkflowAsync(definition);
            using var start = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "loop-numbers" });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            await first.WaitForLinesAsync(numbers, 20);
            first.Crash();
        }

        var beforeCrash = ReadNumbers(numbers);
        using var second = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir);
        await second.WaitUntilHealthyAsync(client);
        await second.WaitForLinesAsync(numbers, beforeCrash.Count + 20);

        var all = ReadNumbers(numbers);
        var afterCrash = all.Skip(beforeCrash.Count).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(afterCrash.Min() > beforeCrash.Max(), $"after the crash {afterCrash.Min()}, before it up to {beforeCrash.Max()}");
    }

    private static List<long> ReadNumbers(string path) =>
        [.. File.ReadAllLines(path).Where(line => line.Length > 0).Select(line => long.Parse(line, System.Globalization.CultureInfo.InvariantCulture))];
}
