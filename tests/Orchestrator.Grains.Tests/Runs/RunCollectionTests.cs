using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runs;
using Orleans.Configuration;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Orchestrator.Grains.Tests.Runs;

public sealed class RunCollectionTests
{
    [Fact]
    public async Task IdleRuns_AreCollectedAfterTwoMinutes_NotOrleansDefaultFifteen()
    {
        await using var host = await EngineHost.StartAsync(new Orchestrator.Testing.FakeClock());
        var manifest = host.Silo.Services.GetRequiredService<IClusterManifestProvider>().Current;

        var run = manifest.AllGrainManifests.SelectMany(m => m.Grains).Single(grain => grain.Key.ToString() == "run").Value;

        Assert.Equal("00:02:00", run.Properties[WellKnownGrainTypeProperties.IdleDeactivationPeriod]);
    }

    [Fact]
    public async Task AFinishedRun_LeavesMemory_AsSoonAsItsEndIsWritten_AndIsReadBackWhole()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: quick
            nodes:
              a: { type: noop }
              b: { type: set, values: { done: "true" }, dependsOn: [a] }
            """);

        var started = await host.StartRunAsync("quick");
        Assert.Equal(RunStatus.Completed, started.Status);

        // No collection is forced: without leaving at once, the run would stay activated for its two idle minutes.
        await host.UntilNoRunIsActiveAsync(TimeSpan.FromSeconds(10), "the finished run is still activated 10 s after its end");

        var read = await host.Run(started.RunId).GetAsync();
        Assert.Equal(RunStatus.Completed, read.Status);
        Assert.Equal(started.FinishedAt, read.FinishedAt);
        Assert.True(read.State["done"]?.GetValue<bool>());
        var events = await host.Run(started.RunId).GetEventsAsync(0, 100);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(seq => (long)seq), events.Select(e => e.Seq));
        Assert.Equal(RunEventTypes.RunCreated, events[0].Type);
        Assert.Equal(RunEventTypes.RunCompleted, events[^1].Type);
    }

    [Fact]
    public async Task ACancelledRun_StopsKeepingItselfActive_OnceItsCancelledAttemptsReport()
    {
        await using var host = await EngineHost.StartAsync(
            silo: builder => builder.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromMilliseconds(200)));
        await host.PutAsync("""
            name: timer-wait
            nodes:
              wait: { type: delay, duration: 50s }
            """);
        var run = await host.StartRunAsync("timer-wait");
        await host.WaitForAsync(run.RunId, e => e.Type == RunEventTypes.NodeStarted);
        var management = host.Grains.GetGrain<IManagementGrain>(0);

        // While its delay runs (one too short for a durable reminder: a timer in the activation), the run keeps itself
        // activated however long it is idle.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await management.ForceActivationCollection(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, await host.RunActivationsAsync());

        await host.Run(run.RunId).CancelAsync("enough");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await host.RunActivationsAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await management.ForceActivationCollection(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(0, await host.RunActivationsAsync());
        Assert.Equal(RunStatus.Cancelled, (await host.Run(run.RunId).GetAsync()).Status);
    }
}
