using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;
using Orchestrator.Runs;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Helpers for loop tests on an <see cref="EngineHost"/>.</summary>
internal static class LoopTesting
{
    public const string RecordClass = "Orchestrator.Grains.Tests.Loops.RecordNode";
    public const string GateClass = "Orchestrator.Grains.Tests.Loops.GateNode";
    public const string NonBlockingGateClass = "Orchestrator.Grains.Tests.Loops.NonBlockingGateNode";
    public const string FailWhenAskedClass = "Orchestrator.Grains.Tests.Loops.FailWhenAskedNode";
    public const string ProducerClass = "Orchestrator.Grains.Tests.Loops.CountingProducer";

    public static ILoopGrain Loop(this EngineHost host, string runId, string loop) => host.Grains.GetGrain<ILoopGrain>(LoopIds.For(runId, loop));

    /// <summary>Puts the workflow, starts a run of it and returns the run id.</summary>
    public static async Task<string> StartAsync(this EngineHost host, string yaml)
    {
        var version = await host.PutAsync(yaml);
        var run = await host.StartRunAsync(version.Name);
        return run.RunId;
    }

    /// <summary>Reads the loop until <paramref name="match"/> holds (the loop works asynchronously; there is no event to
    /// wait on for its counters), for at most 30 seconds.</summary>
    public static async Task<LoopSnapshot> WaitForLoopAsync(this EngineHost host, string runId, string loop, Func<LoopSnapshot, bool> match)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        LoopSnapshot? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                last = await host.Loop(runId, loop).GetAsync();
                if (match(last))
                {
                    return last;
                }
            }
            catch (KeyNotFoundException)
            {
                // Not started yet: the run starts its loops right after its first write.
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"loop {loop} of run {runId} never matched; last seen: {System.Text.Json.JsonSerializer.Serialize(last)}");
    }

    public static async Task<RunSnapshot> WaitForRunEndAsync(this EngineHost host, string runId) => await host.WaitForEndAsync(runId);
}
