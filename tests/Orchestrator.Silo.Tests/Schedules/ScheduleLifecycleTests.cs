using System.Net;

namespace Orchestrator.Silo.Tests.Schedules;

/// <summary>Schedules on the silo executable run as a child process, stopped with SIGTERM and started again on the same
/// SQLite file: no fire is lost, none is doubled, and a run cut short by the stop completes after the restart.</summary>
public sealed class ScheduleLifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly string[] StartOrder =
        ["Opened SQLite storage", "Reminder service started with 1 reminders", "Resumed 0 runs", "Resumed 1 enabled schedules", "Now listening on"];

    [Fact]
    public async Task Schedule_FiresExactlyOnceOnRestart_WhenTheSiloWasStoppedAcrossItsDueTime()
    {
        using var workDir = new TemporaryDirectory();
        var (url, args) = Arguments(workDir);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        string id;
        DateTimeOffset dueAt;
        using (var first = SiloProcess.Start(workDir.Path, args))
        {
            await first.WaitUntilHealthyAsync(client);
            await client.PutWorkflowAsync("name: nightly\nnodes:\n  only: { type: noop }\n");
            dueAt = DateTimeOffset.UtcNow.AddSeconds(4);
            var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules", new { workflow = "nightly", at = dueAt.ToString("O") });
            Assert.Equal(HttpStatusCode.Created, status);
            id = created.GetProperty("id").GetString()!;
            await StopAsync(first);
        }

        // The due time passes while no silo runs.
        var wait = dueAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        using (var second = SiloProcess.Start(workDir.Path, args))
        {
            await second.WaitUntilHealthyAsync(client);

            // Start order: storage, reminders (with the overdue one), runs, schedules, and only then HTTP traffic.
            var output = second.Output;
            var order = StartOrder.Select(line => output.IndexOf(line, StringComparison.Ordinal)).ToList();
            Assert.DoesNotContain(-1, order);
            Assert.Equal(order.Order(), order);
            var executions = await ScheduleApiClient.PollAsync(
                () => client.GetJsonAsync($"/api/schedules/{id}/executions"), e => e.GetArrayLength() > 0, Bound, () => second.Output);
            var fired = Assert.Single(executions.EnumerateArray());
            Assert.Equal("started", fired.GetProperty("outcome").GetString());
            Assert.Equal(dueAt, fired.GetProperty("scheduledFor").GetDateTimeOffset());
            await StopAsync(second);
        }

        using var third = SiloProcess.Start(workDir.Path, args);
        await third.WaitUntilHealthyAsync(client);
        Assert.Single((await client.GetJsonAsync($"/api/schedules/{id}/executions")).EnumerateArray());
        Assert.Single((await client.GetJsonAsync("/api/runs?workflow=nightly")).GetProperty("items").EnumerateArray());
        Assert.False((await client.GetJsonAsync($"/api/schedules/{id}")).TryGetProperty("nextFireAt", out _));
        await StopAsync(third);
    }

    [Fact]
    public async Task ScheduledRun_Completes_WhenTheSiloIsStoppedWithSigtermDuringItAndStartedAgain()
    {
        using var workDir = new TemporaryDirectory();
        var (url, args) = Arguments(workDir);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        // The first attempt runs until the stop ends it; the attempt after the restart finishes at once.
        var definition = """
            {"name": "interrupted", "nodes": {
              "work": {"type": "shell", "command": ["sh", "-c", "[ \"$ORCHESTRATOR_ATTEMPT\" -ge 2 ] || exec sleep 300"]},
              "done": {"type": "set", "values": {"done": "true"}, "dependsOn": ["work"]}}}
            """;
        string id;
        string runId;
        using (var first = SiloProcess.Start(workDir.Path, args))
        {
            await first.WaitUntilHealthyAsync(client);
            using (var content = new StringContent(definition, System.Text.Encoding.UTF8, "application/json"))
            using (var put = await client.PostAsync(ScheduleApiClient.Relative("/api/workflows"), content))
            {
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }

            var (_, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules",
                new { workflow = "interrupted", at = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O") });
            id = created.GetProperty("id").GetString()!;
            var executions = await ScheduleApiClient.PollAsync(
                () => client.GetJsonAsync($"/api/schedules/{id}/executions"), e => e.GetArrayLength() > 0, Bound, () => first.Output);
            runId = executions[0].GetProperty("runId").GetString()!;
            await ScheduleApiClient.PollAsync(
                () => client.GetJsonAsync($"/api/runs/{runId}"),
                run => run.GetProperty("nodes").GetProperty("work").GetProperty("status").GetString() == "running",
                Bound,
                () => first.Output);
            await StopAsync(first);
        }

        using var second = SiloProcess.Start(workDir.Path, args);
        await second.WaitUntilHealthyAsync(client);
        var finished = await ScheduleApiClient.PollAsync(
            () => client.GetJsonAsync($"/api/runs/{runId}"),
            run => run.GetProperty("status").GetString() is "completed" or "failed" or "cancelled",
            Bound,
            () => second.Output);

        Assert.Equal("completed", finished.GetProperty("status").GetString());
        Assert.Equal(2, finished.GetProperty("nodes").GetProperty("work").GetProperty("attempts").GetInt32());
        Assert.True(finished.GetProperty("state").GetProperty("done").GetBoolean());
        Assert.Single((await client.GetJsonAsync($"/api/schedules/{id}/executions")).EnumerateArray());
        Assert.Single((await client.GetJsonAsync("/api/runs?workflow=interrupted")).GetProperty("items").EnumerateArray());
        await StopAsync(second);
    }

    private static (string Url, string[] Args) Arguments(TemporaryDirectory workDir)
    {
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        return (url, ["--urls", url, "--data-dir", Path.Combine(workDir.Path, "data")]);
    }

    /// <summary>SIGTERM, then the silo must exit 0 within the bound.</summary>
    private static async Task StopAsync(SiloProcess silo)
    {
        silo.Terminate();
        var exitCode = await silo.WaitForExitAsync(Bound);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{silo.Output}\n{silo.Error}");
    }
}
