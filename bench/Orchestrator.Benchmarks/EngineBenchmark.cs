using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Definitions;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;
using Orchestrator.Workflows;

namespace Orchestrator.Benchmarks;

/// <summary>The workflow engine on SQLite: a DAG fanning out to 10,000 noop tasks, and a graph run of 1,000 iterations.</summary>
internal static class EngineBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var width = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
        await using var host = await SqliteEngineSilo.StartAsync();
        var silo = host.Silo;
        Console.WriteLine($"workflow engine on SQLite, {Environment.ProcessorCount} cores");
        await FanOutAsync(silo, width);
        await GraphAsync(silo, iterations);
        Console.WriteLine($"  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
    }

    private static async Task FanOutAsync(TestSilo silo, int width)
    {
        await PutAsync(silo, $$"""
            name: fanout-bench
            state: { width: {{width}} }
            nodes:
              make: { type: set, values: { items: "state.items" } }
              fan:  { type: noop, forEach: "state.items", dependsOn: [make] }
              join: { type: set, dependsOn: [fan], values: { count: "len(nodes.fan.output)" } }
            """);
        var input = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, width).Select(i => (JsonNode)i)]) };
        var stopwatch = Stopwatch.StartNew();
        var runId = RunIds.New(TimeProvider.System);
        var run = silo.GrainFactory.GetGrain<IRunGrain>(runId);
        await run.StartAsync(new StartRun { Workflow = "fanout-bench", Input = input });
        var finished = await WaitForEndAsync(run);
        var elapsed = stopwatch.Elapsed;

        var events = await ReadAllEventsAsync(run);
        var fanStarted = events.First(e => e.Type == RunEventTypes.NodeCompleted && e.Node == "make").Timestamp;
        var started = events.Where(e => e.Type == RunEventTypes.NodeStarted && e.Node == "fan").ToDictionary(e => e.Data!["itemIndex"]!.GetValue<int>(), e => e.Timestamp);
        var completed = events.Where(e => e.Type == RunEventTypes.NodeCompleted && e.Node == "fan" && e.Data?["itemIndex"] is not null)
            .ToDictionary(e => e.Data!["itemIndex"]!.GetValue<int>(), e => e.Timestamp);
        var readyToRunning = started.Values.Select(t => (t - fanStarted).TotalMilliseconds).Order().ToArray();
        var runningToDone = started.Keys.Select(i => (completed[i] - started[i]).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"  DAG fan-out of {width} noop tasks: {finished.Status} in {elapsed.TotalSeconds:0.00} s = {width / elapsed.TotalSeconds:N0} tasks/s end to end; {events.Count} events");
        Console.WriteLine($"    ready→running (from the fan-out becoming ready): p50 {P(readyToRunning, 50):0.0} ms, p99 {P(readyToRunning, 99):0.0} ms");
        Console.WriteLine($"    running→completed per task (attempt, report, commit): p50 {P(runningToDone, 50):0.0} ms, p99 {P(runningToDone, 99):0.0} ms");
    }

    private static async Task GraphAsync(TestSilo silo, int iterations)
    {
        await PutAsync(silo, $$"""
            name: graph-bench
            entry: step
            maxIterations: {{iterations}}
            state: { n: 0 }
            nodes:
              step: { type: set, values: { n: "state.n + 1" } }
            edges:
              - { from: step, to: step, when: "state.n < {{iterations}}" }
              - { from: step, to: END }
            """);
        var stopwatch = Stopwatch.StartNew();
        var run = silo.GrainFactory.GetGrain<IRunGrain>(RunIds.New(TimeProvider.System));
        await run.StartAsync(new StartRun { Workflow = "graph-bench" });
        var finished = await WaitForEndAsync(run);
        var elapsed = stopwatch.Elapsed;
        Console.WriteLine($"  graph run of {iterations} iterations: {finished.Status}, n = {finished.State["n"]}, {elapsed.TotalSeconds:0.00} s = {iterations / elapsed.TotalSeconds:N0} iterations/s ({elapsed.TotalMilliseconds / iterations:0.00} ms each)");
    }

    private static async Task PutAsync(TestSilo silo, string yaml)
    {
        var loaded = DefinitionLoader.Load(yaml);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", loaded.Problems));
        }

        await silo.GrainFactory.GetGrain<IWorkflowGrain>(loaded.Definition!.Name).PutAsync(loaded.Definition);
    }

    private static async Task<RunSnapshot> WaitForEndAsync(IRunGrain run)
    {
        // A benchmark, not a test: polling the run every 20 ms costs nothing measurable.
        while (true)
        {
            var snapshot = await run.GetAsync();
            if (snapshot.Status.IsFinished())
            {
                return snapshot;
            }

            await Task.Delay(20);
        }
    }

    private static async Task<List<RunEvent>> ReadAllEventsAsync(IRunGrain run)
    {
        var all = new List<RunEvent>();
        while (true)
        {
            var page = await run.GetEventsAsync(all.Count == 0 ? 0 : all[^1].Seq, 10_000);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    private static double P(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
