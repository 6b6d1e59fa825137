using Orchestrator.Queries;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class ListingTests
{
    [Fact]
    public async Task Runs_AreListedNewestFirst_ByWorkflowAndStatus_InPages()
    {
        var clock = new Orchestrator.Testing.FakeClock();
        await using var host = await EngineHost.StartAsync(clock);
        await host.PutAsync("""
            name: quick
            nodes:
              only: { type: noop }
            """);
        await host.PutAsync("""
            name: broken
            nodes:
              only: { type: fail, retry: { maxAttempts: 1 } }
            """);
        var quick = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            quick.Add((await host.WaitForEndAsync((await host.StartRunAsync("quick", runId: $"q{i}")).RunId)).RunId);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        var broken = await host.WaitForEndAsync((await host.StartRunAsync("broken", runId: "b0")).RunId);
        var query = host.Grains.GetGrain<IQueryGrain>(IQueryGrain.Key);

        var first = await query.ListRunsAsync("quick", null, 2, null);
        var second = await query.ListRunsAsync("quick", null, 2, first.Cursor);
        var third = await query.ListRunsAsync("quick", null, 2, second.Cursor);
        Assert.Equal(["q4", "q3", "q2", "q1", "q0"], [.. first.Items.Concat(second.Items).Concat(third.Items).Select(r => r.RunId)]);
        Assert.Null(third.Cursor);

        var failed = await query.ListRunsAsync(null, RunStatus.Failed, 10, null);
        Assert.Equal([broken.RunId], failed.Items.Select(r => r.RunId));
        Assert.All((await query.ListRunsAsync(null, RunStatus.Completed, 10, null)).Items, r => Assert.Equal("quick", r.Workflow));
        var errors = await query.ListErrorsAsync("broken", Orchestrator.Errors.ErrorRecoveryStatus.Unresolved, 10, null);
        Assert.Equal("b0", Assert.Single(errors.Items).RunId);
        Assert.Equal(["broken", "quick"], (await query.ListWorkflowsAsync(false, 10, null)).Items.Select(w => w.Name).Order());
        await Assert.ThrowsAsync<ArgumentException>(() => query.ListRunsAsync(null, null, 10, "not-a-cursor!"));
    }

    [Fact]
    public async Task Runs_SayWhatStartedThem_AndAreListedByIt()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: child
            nodes:
              only: { type: noop }
            """);
        await host.PutAsync("""
            name: parent
            nodes:
              call: { type: workflow, workflow: child }
            """);
        var byApi = await host.WaitForEndAsync((await host.StartRunAsync("child")).RunId);
        var byCli = await host.WaitForEndAsync((await host.Run("cli-run").StartAsync(new StartRun { Workflow = "child", TriggeredBy = "cli" })).RunId);
        var parent = await host.WaitForEndAsync((await host.StartRunAsync("parent")).RunId);
        var query = host.Grains.GetGrain<IQueryGrain>(IQueryGrain.Key);

        Assert.Equal(("api", "cli"), (byApi.TriggeredBy, byCli.TriggeredBy));
        var subRun = Assert.Single((await query.ListRunsAsync(null, null, 10, null, $"run:{parent.RunId}")).Items);
        Assert.Equal("child", subRun.Workflow);
        Assert.Equal($"run:{parent.RunId}", subRun.TriggeredBy);
        Assert.Equal(["cli-run"], (await query.ListRunsAsync(null, RunStatus.Completed, 10, null, "cli")).Items.Select(r => r.RunId));
        Assert.Empty((await query.ListRunsAsync(null, RunStatus.Failed, 10, null, "cli")).Items);
        Assert.Equal([parent.RunId, byApi.RunId], (await query.ListRunsAsync(null, null, 10, null, "api")).Items.Select(r => r.RunId));
        Assert.Equal([byApi.RunId], (await query.ListRunsAsync("child", null, 10, null, "api")).Items.Select(r => r.RunId));
    }

    [Fact]
    public void Cursor_KeepsMicroseconds_SoThatRowsWithinOneMillisecondAreNotSkipped()
    {
        var at = new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var cursor = new Orchestrator.Providers.Storage.ViewCursor(at, "r-1");

        var decoded = QueryGrain.DecodeCursor(QueryGrain.EncodeCursor(cursor));

        Assert.Equal(at, decoded!.SortAt);
        Assert.Equal("r-1", decoded.GrainKey);
    }

    [Fact]
    public void Cursor_HandedOutInMilliseconds_StillDecodes()
    {
        var old = Convert.ToBase64String("1764738000123:r-1"u8.ToArray()).TrimEnd('=');

        var decoded = QueryGrain.DecodeCursor(old);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764738000123), decoded!.SortAt);
    }
}
