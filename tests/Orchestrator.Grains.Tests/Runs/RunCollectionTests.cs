using Microsoft.Extensions.DependencyInjection;
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
}
