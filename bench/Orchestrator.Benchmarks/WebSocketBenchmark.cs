using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Definitions;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Sqlite;
using Orchestrator.Serialization;
using Orleans.Serialization;
using Orchestrator.Workflows;

namespace Orchestrator.Benchmarks;

/// <summary>Run events over WebSocket against the engine's own pace: a silo with its HTTP API on Kestrel (SQLite) and
/// graph runs that step through a <c>set</c> and a 1 ms <c>delay</c> per iteration (two writes, six events). Each
/// scenario runs twice, without subscribers and with them, and reports the engine's event rate in both (watched
/// against unwatched), deliveries per second, the latency from each event's timestamp (taken by the engine before it
/// commits the event) to its receipt, and gaps (an event whose sequence is not the last one plus one: lost, repeated or
/// out of order). Scenarios: one run with 1, 10 and 100 subscribers; many runs with one subscriber each.</summary>
internal static class WebSocketBenchmark
{
    /// <summary>How long a run waits before it steps, for its subscribers to connect.</summary>
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(2);

    /// <summary>The same for the many-runs scenario, whose sockets take longer to open.</summary>
    private static readonly TimeSpan ManyStartDelay = TimeSpan.FromSeconds(8);

    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        int[] subscriberCounts = args.Length > 1 ? [.. args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1, 10, 100];
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        var runIterations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
        var directory = Path.Combine(Path.GetTempPath(), $"orchestrator-ws-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await using var app = await StartSiloAsync(Path.Combine(directory, "bench.db"));
            try
            {
                await MeasureAllAsync(app, iterations, subscriberCounts, runs, runIterations);
            }
            finally
            {
                await app.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasureAllAsync(WebApplication app, int iterations, int[] subscriberCounts, int runs, int runIterations)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        await PutAsync(grains, Definition("ws-bench", iterations, StartDelay, "1ms"));
        await PutAsync(grains, Definition("ws-bench-many", runIterations, ManyStartDelay, "1ms"));
        await PutAsync(grains, Definition("ws-bench-paced", runIterations, ManyStartDelay, "1s"));
        Console.WriteLine($"run events over WebSocket (Kestrel, SQLite), {Environment.ProcessorCount} cores, subscribers in the same process");
        if (runs > 0)
        {
            // The code of the engine and of the sockets is compiled and tiered up before anything is measured: without
            // this the first (unwatched) figure ran on colder code than the watched one after it, which flattered the
            // watched rate (flat out, unwatched 54,000 events/s on a fresh process, 78,000-89,000 once warm).
            var warm = Stopwatch.StartNew();
            await MeasureAsync(grains, server, "ws-bench-many", runs, subscribersPerRun: 1, ManyStartDelay);
            await MeasureAsync(grains, server, "ws-bench-many", runs, subscribersPerRun: 0, ManyStartDelay);
            Console.WriteLine($"warm-up: {runs:N0} runs watched, then unwatched, flat out ({warm.Elapsed.TotalSeconds:0} s)");
        }

        Console.WriteLine($"one run of {iterations:N0} iterations (a set and a 1 ms delay each), watched by N subscribers:");
        var alone = await MeasureAsync(grains, server, "ws-bench", runs: 1, subscribersPerRun: 0, StartDelay);
        foreach (var count in subscriberCounts)
        {
            Report($"{count} subscriber(s)", alone, await MeasureAsync(grains, server, "ws-bench", runs: 1, count, StartDelay));
        }

        if (runs > 0)
        {
            // Flat out, the runs keep about a thousand writes queued at the store: an event's latency is then mostly
            // its wait for its commit (its timestamp is taken before). Paced, the store keeps up, and the latency is
            // the delivery's.
            Console.WriteLine($"{runs:N0} runs of {runIterations} iterations at once, one subscriber each:");
            foreach (var (workflow, what) in new[] { ("ws-bench-many", "flat out (1 ms delay)"), ("ws-bench-paced", "paced (1 s delay)") })
            {
                var unwatched = await MeasureAsync(grains, server, workflow, runs, subscribersPerRun: 0, ManyStartDelay);
                Report($"{runs:N0} sockets, {what}", unwatched, await MeasureAsync(grains, server, workflow, runs, subscribersPerRun: 1, ManyStartDelay));
            }
        }
    }

    private static string Definition(string name, int iterations, TimeSpan startDelay, string tick) => $$"""
        name: {{name}}
        entry: wait
        maxIterations: {{iterations}}
        state: { n: 0 }
        nodes:
          wait: { type: delay, duration: {{(int)startDelay.TotalMilliseconds}}ms }
          step: { type: set, values: { n: "state.n + 1" } }
          tick: { type: delay, duration: {{tick}} }
        edges:
          - { from: wait, to: step }
          - { from: step, to: tick, when: "state.n < {{iterations}}" }
          - { from: tick, to: step }
          - { from: step, to: END }
        """;

    private static void Report(string what, Measurement alone, Measurement watched)
    {
        var latencies = watched.Latencies;
        var slowdown = watched.EngineRate / alone.EngineRate;
        Console.WriteLine(
            $"  {what,-36} engine {watched.EngineRate:N0} events/s watched vs {alone.EngineRate:N0} unwatched ({(slowdown - 1) * 100:+0;-0} %); " +
            $"{watched.Deliveries:N0} deliveries, live {watched.LiveRate:N0}/s; latency p50 {P(latencies, 50):0.0} ms, p99 {P(latencies, 99):0.0} ms, " +
            $"max {P(latencies, 100):0.0} ms; gaps {watched.Gaps}; GC while watched: {watched.Gen2Collections} gen2, pauses {watched.GcPauseMs:0} ms in all, longest seen {watched.LongestGcPauseMs:0.0} ms");
    }

    private sealed record Measurement(
        double EngineRate, long Deliveries, double LiveRate, double[] Latencies, int Gaps, int Gen2Collections, double GcPauseMs, double LongestGcPauseMs);

    /// <summary>Starts <paramref name="runs"/> runs, opens <paramref name="subscribersPerRun"/> sockets on each while they
    /// wait, and reads every socket to its run's end (or, unwatched, waits for every run's end). The engine's rate is the
    /// runs' events over the time from the first step to the last end.</summary>
    private static async Task<Measurement> MeasureAsync(IGrainFactory grains, Uri server, string workflow, int runs, int subscribersPerRun, TimeSpan startDelay)
    {
        var ids = new List<string>(runs);
        for (var i = 0; i < runs; i++)
        {
            var runId = RunIds.New(TimeProvider.System);
            await grains.GetGrain<IRunGrain>(runId).StartAsync(new StartRun { Workflow = workflow });
            ids.Add(runId);
        }

        var sockets = new List<ClientWebSocket>(runs * subscribersPerRun);
        try
        {
            foreach (var runId in ids)
            {
                for (var s = 0; s < subscribersPerRun; s++)
                {
                    var socket = new ClientWebSocket();
                    sockets.Add(socket);
                    await socket.ConnectAsync(new Uri(server, $"/api/runs/{runId}/events"), CancellationToken.None);
                }
            }

            var connected = DateTimeOffset.UtcNow;
            using var gc = GcWatch.Start();
            var results = subscribersPerRun == 0 ? [] : await Task.WhenAll(sockets.Select(s => ReceiveUntilEndAsync(s, connected)));
            var (gen2, pauseMs, longestMs) = gc.Stop();
            var snapshots = await Task.WhenAll(ids.Select(id => WaitForEndAsync(grains.GetGrain<IRunGrain>(id))));
            if (connected > snapshots.Min(s => s.StartedAt!.Value) + startDelay)
            {
                Console.WriteLine($"  (the sockets opened {(connected - snapshots.Min(s => s.StartedAt!.Value)).TotalSeconds:0.0} s after the first start, after its runs began stepping)");
            }

            var events = 0L;
            foreach (var id in ids)
            {
                events += await CountEventsAsync(grains.GetGrain<IRunGrain>(id));
            }

            var first = snapshots.Min(s => s.StartedAt!.Value) + startDelay;
            var last = snapshots.Max(s => s.FinishedAt!.Value);
            var latencies = results.SelectMany(r => r.LatenciesMs).Order().ToArray();
            var liveSeconds = results.Length == 0 ? 0 : (results.Max(r => r.Last) - results.Min(r => r.FirstLive)).TotalSeconds;
            return new Measurement(
                events / Math.Max((last - first).TotalSeconds, 0.001),
                results.Sum(r => (long)r.Received),
                latencies.Length / Math.Max(liveSeconds, 0.001),
                latencies,
                results.Sum(r => r.Gaps),
                gen2,
                pauseMs,
                longestMs);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task<long> CountEventsAsync(IRunGrain run)
    {
        var last = 0L;
        while (await run.GetEventsAsync(last, 1_000) is { Count: > 0 } page)
        {
            last = page[^1].Seq;
        }

        return last;
    }

    private static async Task<RunSnapshot> WaitForEndAsync(IRunGrain run)
    {
        while (true)
        {
            var snapshot = await run.GetAsync();
            if (snapshot.Status.IsFinished())
            {
                return snapshot;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Reads events until the run's end: latencies of events stamped after every socket opened, and gaps (an
    /// event whose sequence is not the last one's plus one).</summary>
    private static async Task<(int Received, List<double> LatenciesMs, DateTimeOffset FirstLive, DateTimeOffset Last, int Gaps)> ReceiveUntilEndAsync(WebSocket socket, DateTimeOffset connected)
    {
        var buffer = new byte[64 * 1024];
        var latencies = new List<double>(8_192);
        var received = 0;
        var gaps = 0;
        var lastSeq = 0L;
        var firstLive = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                count += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the server closed the subscription: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            var now = DateTimeOffset.UtcNow;
            received++;
            using var message = JsonDocument.Parse(buffer.AsMemory(0, count));
            var seq = message.RootElement.GetProperty("seq").GetInt64();
            if (seq != lastSeq + 1)
            {
                gaps++;
            }

            lastSeq = seq;
            var timestamp = message.RootElement.GetProperty("timestamp").GetDateTimeOffset();
            if (timestamp >= connected)
            {
                latencies.Add((now - timestamp).TotalMilliseconds);
                firstLive = now < firstLive ? now : firstLive;
            }

            last = now;
            if (RunEventTypes.IsTerminal(message.RootElement.GetProperty("type").GetString()!))
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                return (received, latencies, firstLive, last, gaps);
            }
        }
    }

    private static async Task<WebApplication> StartSiloAsync(string databasePath)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
            silo.AddOrchestratorStorage(_ => new SqliteStorageBackend(databasePath));
            silo.AddOrchestratorStreams();
            silo.AddGrainStatistics();
        });
        builder.Services.AddWorkflowEngine();
        builder.Services.AddOrchestratorApi();
        var app = builder.Build();
        app.UseOrchestratorApi();
        app.MapOrchestratorApi();
        await app.StartAsync();
        return app;
    }

    private static async Task PutAsync(IGrainFactory grains, string yaml)
    {
        var read = await grains.GetGrain<IDefinitionReaderGrain>(IDefinitionReaderGrain.Key).ReadAsync(yaml, DefinitionFormat.Yaml);
        if (!read.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", read.Problems));
        }

        await grains.GetGrain<IWorkflowGrain>(read.Definition!.Name).PutAsync(read.Definition);
    }

    private static double P(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The collector's work over a measurement: gen2 collections, the total of its pauses, and the longest
    /// pause among the collections it can still see (the runtime keeps the last one of each kind).</summary>
    private sealed class GcWatch : IDisposable
    {
        private readonly Lock _lock = new();
        private int _gen2;
        private TimeSpan _paused;
        private double _longestMs;
        private long _lastIndexSeen;
        private Timer? _sampler;

        public static GcWatch Start()
        {
            var watch = new GcWatch { _gen2 = GC.CollectionCount(2), _paused = GC.GetTotalPauseDuration() };
            watch._lastIndexSeen = GC.GetGCMemoryInfo(GCKind.Any).Index;
            // The runtime keeps the pause durations of the last collection only: look at it often enough to see each.
            watch._sampler = new Timer(_ => watch.Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
            return watch;
        }

        public (int Gen2, double PauseMs, double LongestMs) Stop()
        {
            Dispose();
            Sample();
            return (GC.CollectionCount(2) - _gen2, (GC.GetTotalPauseDuration() - _paused).TotalMilliseconds, _longestMs);
        }

        public void Dispose() => _sampler?.Dispose();

        private void Sample()
        {
            lock (_lock)
            {
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index == _lastIndexSeen)
                {
                    return;
                }

                _lastIndexSeen = info.Index;
                foreach (var pause in info.PauseDurations)
                {
                    _longestMs = Math.Max(_longestMs, pause.TotalMilliseconds);
                }
            }
        }
    }
}
