using Orchestrator.Grains.Tests.Runs;
using Orchestrator.Loops;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Helpers for loop tests on an <see cref="EngineHost"/>.</summary>
internal static class LoopTesting
{
    public const string RecordClass = "Orchestrator.Grains.Tests.Loops.RecordNode";
    public const string GateClass = "Orchestrator.Grains.Tests.Loops.GateNode";
    public const string NonBlockingGateClass = "Orchestrator.Grains.Tests.Loops.NonBlockingGateNode";
    public const string FailWhenAskedClass = "Orchestrator.Grains.Tests.Loops.FailWhenAskedNode";
    public const string ProducerClass = "Orchestrator.Grains.Tests.Loops.ProbedProducer";

    public static ILoopGrain Loop(this EngineHost host, string runId, string loop) => host.Grains.GetGrain<ILoopGrain>(LoopIds.For(runId, loop));

    /// <summary>Puts the workflow, starts a run of it and returns the run id.</summary>
    public static async Task<string> StartAsync(this EngineHost host, string yaml)
    {
        var version = await host.PutAsync(yaml);
        var run = await host.StartRunAsync(version.Name);
        return run.RunId;
    }

    /// <summary>Reads the loop until <paramref name="match"/> holds, for at most 30 seconds.</summary>
    public static Task<LoopSnapshot> WaitForLoopAsync(this EngineHost host, string runId, string loop, Func<LoopSnapshot, bool> match) =>
        EventuallyAsync($"loop {loop} of run {runId}", async () =>
        {
            try
            {
                return await host.Loop(runId, loop).GetAsync();
            }
            catch (LoopNotFoundException)
            {
                // Not started yet: the run starts its loops right after its first write.
                return null;
            }
        }, match);

    /// <summary>Reads <paramref name="read"/> until its value matches, for at most 30 seconds. Loops and queues work
    /// on their own and announce no event for their counters, so their progress can only be read.</summary>
    public static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> read, Func<T, bool> match)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        T? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = await read();
            if (last is not null && match(last))
            {
                return last;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{what} never matched; last seen: {System.Text.Json.JsonSerializer.Serialize(last)}");
    }
}
