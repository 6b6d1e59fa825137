using System.Diagnostics;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;

namespace Orchestrator.Benchmarks;

/// <summary>Local grain calls/s with p50/p99 latency: one sequential caller, then many concurrent callers over many grains.</summary>
internal static class GrainCallBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        await using var silo = await TestSilo.StartAsync(new TestSiloOptions());
        var factory = silo.GrainFactory;

        // Warm up: JIT, activations.
        for (var i = 0; i < 1000; i++)
        {
            await factory.GetGrain<IEchoGrain>($"g{i % 100}").EchoAsync(i);
        }

        Console.WriteLine($"grain calls, in-process silo, {Environment.ProcessorCount} cores, {seconds} s per scenario");
        await RunScenarioAsync(factory, "1 caller, 1 grain (sequential)", callers: 1, grains: 1, seconds);
        await RunScenarioAsync(factory, "64 callers, 64 grains", callers: 64, grains: 64, seconds);
        await RunScenarioAsync(factory, "1000 callers, 1000 grains", callers: 1000, grains: 1000, seconds);
        await RunScenarioAsync(factory, "64 callers, 1 grain (contended)", callers: 64, grains: 1, seconds);
    }

    private static async Task RunScenarioAsync(IGrainFactory factory, string name, int callers, int grains, int seconds)
    {
        var recorder = new LatencyRecorder(10_000_000);
        var stop = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        long calls = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var grain = factory.GetGrain<IEchoGrain>($"s{name.Length}-{c % grains}");
            long local = 0;
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await grain.EchoAsync(c);
                recorder.Record(start);
                local++;
            }

            Interlocked.Add(ref calls, local);
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = stop.Elapsed.TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)Math.Max(1, calls);
        Console.WriteLine($"  {name,-34} {calls / elapsed,12:N0} calls/s   {recorder.Summary()}   {allocated:N0} B allocated/call   working set {Environment.WorkingSet / 1048576} MiB");
    }
}

/// <summary>The benchmark's grain: answers at once.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    Task<int> EchoAsync(int value);
}

/// <inheritdoc cref="IEchoGrain"/>
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc/>
    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
