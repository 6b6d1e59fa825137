using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Runs;
using Orchestrator.Workflows;

namespace Orchestrator.Grains.Tests;

public sealed class GrainReferencesTests
{
    [Fact]
    public async Task GetGrainByKey_MakesTheReferenceGetGrainMakes_FirstAndLaterTimes_AndCallsReachTheGrain()
    {
        await using var host = await EngineHost.StartAsync();
        await host.PutAsync("""
            name: referenced
            nodes:
              a: { type: set, values: { done: "true" } }
            """);

        foreach (var key in new[] { "ref-1", "ref-2", "ref-3" })
        {
            var expected = (GrainReference)host.Grains.GetGrain<IRunGrain>(key);
            var made = (GrainReference)host.Grains.GetGrainByKey<IRunGrain>(key);

            Assert.Equal(expected.GrainId, made.GrainId);
            Assert.Equal(expected.InterfaceType, made.InterfaceType);
            Assert.Equal(expected, made);
        }

        var workflow = (GrainReference)host.Grains.GetGrainByKey<IWorkflowGrain>("referenced");
        Assert.Equal(((GrainReference)host.Grains.GetGrain<IWorkflowGrain>("referenced")).GrainId, workflow.GrainId);

        var run = await host.Grains.GetGrainByKey<IRunGrain>("ref-2").StartAsync(new StartRun { Workflow = "referenced" });
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(RunStatus.Completed, (await host.Run("ref-2").GetAsync()).Status);
        Assert.Throws<ArgumentException>(() => host.Grains.GetGrainByKey<IRunGrain>(" "));
    }
}
