using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Testing.Services;

namespace Orchestrator.Silo.Tests;

public sealed class JobCrashRecoveryTests
{
    [Theory]
    [InlineData("kill -9")]
    [InlineData("SIGTERM")]
    public async Task PollingJob_ResumesAfterTheSiloRestarts_WithoutSubmittingAgain(string stop)
    {
        await using var jobs = await LocalJobService.StartAsync();
        using var workDir = new TemporaryDirectory();
        var dataDir = Path.Combine(workDir.Path, "data");
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        string runId;
        int pollsBeforeRestart;
        using (var first = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir))
        {
            await first.WaitUntilHealthyAsync(client);
            using (var put = await client.PostAsync(
                new Uri("/api/workflows", UriKind.Relative),
                new StringContent($"name: job-crash\nnodes:\n  build: {jobs.NodeSettings()}\n", Encoding.UTF8, "application/yaml")))
            {
                Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
            }

            using var start = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "job-crash" });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();

            // Polling has begun, so the job id is stored (it is written before the first poll).
            await jobs.Requests.WaitUntilAsync(() => jobs.Polls("job-1") >= 1, "the first poll of job-1");
            var during = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
            Assert.Equal("job-1", during["nodes"]!["build"]!["progress"]!["jobId"]!.GetValue<string>());
            if (stop == "SIGTERM")
            {
                first.Terminate();
                await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
            else
            {
                first.Crash();
            }

            pollsBeforeRestart = jobs.Polls("job-1");
        }

        Assert.Equal("RUNNING", jobs.State("job-1"));
        using var second = SiloProcess.Start(workDir.Path, "--urls", url, "--data-dir", dataDir);
        await second.WaitUntilHealthyAsync(client);
        await jobs.Requests.WaitUntilAsync(() => jobs.Polls("job-1") > pollsBeforeRestart, "polling to resume after the restart", TimeSpan.FromSeconds(60));
        jobs.SetState("job-1", "SUCCEEDED");
        var run = await CrashRecoveryTests.WaitForStatusAsync(client, runId, "completed", second);

        Assert.Equal(1, jobs.Submitted);
        Assert.Empty(jobs.Cancelled);
        Assert.Equal("job-1", run["nodes"]!["build"]!["output"]!["jobId"]!.GetValue<string>());
        Assert.Equal(1, run["nodes"]!["build"]!["attempts"]!.GetValue<int>());
        var events = (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/runs/{runId}/events?after=0", UriKind.Relative)))!;
        Assert.Single(events, e => e!["type"]!.GetValue<string>() == "node.started");
        var recovered = Assert.Single(events, e => e!["type"]!.GetValue<string>() == "run.recovered")!;
        Assert.Equal(1, recovered["data"]!["resumedAttempts"]!.GetValue<int>());
        Assert.Equal(0, recovered["data"]!["interruptedAttempts"]!.GetValue<int>());
    }
}
