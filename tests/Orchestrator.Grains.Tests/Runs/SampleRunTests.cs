using System.Text.Json.Nodes;
using Orchestrator.Grains.Tests.Nodes;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Runs;

/// <summary>The workflows in samples/ run to completion through the engine, as README says they do.</summary>
public sealed class SampleRunTests
{
    [Fact]
    public async Task CodeReviewSample_ImprovesUntilTheScoreReachesTheThreshold()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(await File.ReadAllTextAsync(Sample("code-review.yaml")));
        var run = await host.WaitForEndAsync((await host.StartRunAsync("code-review", new JsonObject { ["code"] = "def hello(): pass\ndef world(): pass" })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("END", run.CurrentNode);
        Assert.True(run.State["quality_score"]!.GetValue<double>() >= 7, run.State.ToJsonString());
        var path = host.Events(run.RunId).Where(e => e.Type == RunEventTypes.NodeStarted).Select(e => e.Node);
        Assert.Equal(["extract", "analyze", "improve", "analyze"], path);
    }

    [Fact]
    public async Task DagFanOutSample_SquaresEveryNumberAndSummarizes()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(await File.ReadAllTextAsync(Sample("dag-fanout.yaml")));
        var run = await host.WaitForEndAsync((await host.StartRunAsync("dag-fanout", new JsonObject { ["numbers"] = new JsonArray(3, 5, 7) })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("3", run.State["count"]!.ToJsonString());
        Assert.Equal("9", run.State["first"]!.ToJsonString());
        Assert.Equal("49", run.State["last"]!.ToJsonString());
        Assert.Contains(host.Events(run.RunId), e => e.Type == RunEventTypes.Log && e.Data!["message"]!.GetValue<string>() == "squaring 3 numbers");
    }

    [Fact]
    public async Task ShellHttpSample_PostsWhatTheProgramPrinted_ToARealServer()
    {
        await using var server = await LocalHttpServer.StartAsync();
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(await File.ReadAllTextAsync(Sample("shell-http.yaml")));
        var run = await host.WaitForEndAsync((await host.StartRunAsync("shell-http", new JsonObject { ["url"] = server.Url("/echo").ToString() })).RunId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("hello", run.State["greeting"]!.GetValue<string>());
        var echoed = run.Nodes["notify"].Output!["body"]!;
        Assert.Equal("POST", echoed["method"]!.GetValue<string>());
        Assert.Equal($"{run.RunId}/notify/1/1", echoed["idempotencyKey"]!.GetValue<string>());
        Assert.Equal("hello", JsonNode.Parse(echoed["body"]!.GetValue<string>())!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task SensorPipelineSample_AggregatesEveryReadingThatTheSensorLoopPushes()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync(await File.ReadAllTextAsync(Sample("sensor-pipeline.yaml")));
        var run = await host.StartRunAsync("sensor-pipeline");

        var aggregate = await Loops.LoopTesting.WaitForLoopAsync(host, run.RunId, "aggregate", loop => loop.Completed >= 3);
        var stats = aggregate.Nodes["stats"].LastOutput!;
        Assert.True(stats["count"]!.GetValue<long>() >= 3, stats.ToJsonString());
        Assert.True(stats["min"]!.GetValue<double>() <= stats["mean"]!.GetValue<double>());
        Assert.True(stats["mean"]!.GetValue<double>() <= stats["max"]!.GetValue<double>());
        Assert.Equal(0, aggregate.Errors);
        var logs = await host.Grains.GetGrain<Orchestrator.Loops.ILoopGrain>(aggregate.Id).GetLogsAsync(new Orchestrator.Loops.LoopLogQuery { Node = "report" });
        Assert.Contains(logs, line => System.Text.RegularExpressions.Regex.IsMatch(line.Message, @"^\d+ readings, mean -?[\d.]+$"));

        await host.Run(run.RunId).CancelAsync("done");
    }

    private static string Sample(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.Orchestrator.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), "samples", name);
    }
}
