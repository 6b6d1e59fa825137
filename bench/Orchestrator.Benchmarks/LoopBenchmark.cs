using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Loops;
using Orchestrator.Nodes;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Testing;
using Orchestrator.Workflows;

namespace Orchestrator.Benchmarks;

/// <summary>Loops on SQLite: iterations/s of an empty loop per pool type, and messages/s through a queue between two
/// loops with end-to-end latency (from the producing loop's node to the consuming loop's node).</summary>
internal static class LoopBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var messages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        await using var host = await SqliteEngineSilo.StartAsync();
        var silo = host.Silo;
        Console.WriteLine($"loops on SQLite, {Environment.ProcessorCount} cores");
        // Warm-up (JIT, first activations), not printed.
        await EmptyLoopAsync(silo, "thread", "warmup", "{ type: noop }", 2_000, print: false);
        foreach (var pool in new[] { "thread", "async" })
        {
            await EmptyLoopAsync(silo, pool, "noop", "{ type: noop }", iterations);
            await EmptyLoopAsync(silo, pool, "dotnet", $"{{ type: dotnet, class: {typeof(PassNode).FullName} }}", iterations);
        }

        await EmptyLoopAsync(silo, "process", "dotnet", $"{{ type: dotnet, class: {typeof(PassNode).FullName} }}", iterations / 4);
        await QueueAsync(silo, messages, "blocking");
        await QueueAsync(silo, messages, "nonblocking");
        Console.WriteLine($"  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
    }

    private static async Task EmptyLoopAsync(TestSilo silo, string pool, string kind, string node, int iterations, bool print = true)
    {
        var name = $"empty-{pool}-{kind}";
        await PutAsync(silo, $$"""
            name: {{name}}
            loops:
              main:
                pool: {{pool}}
                producer: { type: dotnet, class: {{typeof(CountingProducer).FullName}}, settings: { count: {{iterations}} } }
                chain: [ { node: step } ]
            nodes:
              step: {{node}}
            """);
        var stopwatch = Stopwatch.StartNew();
        var runId = await StartAsync(silo, name);
        var loop = silo.GrainFactory.GetGrain<ILoopGrain>(LoopIds.For(runId, "main"));
        var done = await WaitAsync(loop, l => l.State.IsEnded());
        var elapsed = stopwatch.Elapsed;
        if (!print)
        {
            return;
        }

        Console.WriteLine($"  empty loop, pool {pool,-7} ({kind} node): {done.Completed:N0} iterations in {elapsed.TotalSeconds:0.00} s = {done.Completed / elapsed.TotalSeconds:N0} iterations/s");
    }

    private static async Task QueueAsync(TestSilo silo, int messages, string pushMode)
    {
        var name = $"queue-bench-{pushMode}";
        await PutAsync(silo, $$"""
            name: {{name}}
            loops:
              producer:
                pool: async
                producer: { type: dotnet, class: {{typeof(CountingProducer).FullName}}, settings: { count: {{messages}} } }
                maxInFlight: 64
                chain: [ { node: push, mode: {{pushMode}} } ]
              consumer:
                pool: async
                producer: { type: queue, queue: {{name}} }
                chain: [ { node: measure } ]
            nodes:
              push: { type: queue.push, queue: {{name}}, value: "${data}" }
              measure: { type: dotnet, class: {{typeof(LatencyNode).FullName}} }
            """);
        LatencyNode.Recorder = new LatencyRecorder(messages);
        var stopwatch = Stopwatch.StartNew();
        var runId = await StartAsync(silo, name);
        var consumer = silo.GrainFactory.GetGrain<ILoopGrain>(LoopIds.For(runId, "consumer"));
        await WaitAsync(consumer, l => l.Completed >= messages);
        var elapsed = stopwatch.Elapsed;
        Console.WriteLine($"  queue between two loops (durable, SQLite), {pushMode} push: {messages:N0} messages in {elapsed.TotalSeconds:0.00} s = {messages / elapsed.TotalSeconds:N0} messages/s");
        Console.WriteLine($"    end to end (producer node → consumer node): {LatencyNode.Recorder.Summary()}");
        await silo.GrainFactory.GetGrain<IRunGrain>(runId).CancelAsync("benchmark done");
    }

    private static async Task<string> StartAsync(TestSilo silo, string workflow)
    {
        var runId = RunIds.New(TimeProvider.System);
        await silo.GrainFactory.GetGrain<IRunGrain>(runId).StartAsync(new StartRun { Workflow = workflow });
        return runId;
    }

    private static async Task<LoopSnapshot> WaitAsync(ILoopGrain loop, Func<LoopSnapshot, bool> match)
    {
        // A benchmark, not a test: reading the loop every 20 ms costs nothing measurable.
        while (true)
        {
            try
            {
                var snapshot = await loop.GetAsync();
                if (match(snapshot))
                {
                    return snapshot;
                }
            }
            catch (KeyNotFoundException)
            {
            }

            await Task.Delay(20);
        }
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

    /// <summary>Yields its <c>count</c> setting of values as fast as the loop takes them, each stamped with the time it left.</summary>
    public sealed class CountingProducer : ProducerNode
    {
        public override async IAsyncEnumerable<JsonNode?> ProduceAsync(
            NodeData data, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            var count = Config.Get("count", 0);
            for (var i = 1; i <= count; i++)
            {
                yield return new JsonObject { ["n"] = i, ["t"] = Stopwatch.GetTimestamp() };
            }
        }
    }

    /// <summary>Returns its data.</summary>
    public sealed class PassNode : BlockingNode
    {
        public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken) => Task.FromResult(data?.Value);
    }

    /// <summary>Records how long ago its data was produced.</summary>
    public sealed class LatencyNode : BlockingNode
    {
        public static LatencyRecorder Recorder { get; set; } = new(1);

        public override Task<JsonNode?> RunAsync(NodeData data, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(data);
            Recorder.Record(data.Value!["t"]!.GetValue<long>());
            return Task.FromResult<JsonNode?>(null);
        }
    }
}
