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

/// <summary>Run events over WebSocket: a silo with its HTTP API on Kestrel (SQLite), one busy run (a graph looping
/// 2,000 times, about 6,000 events), and 1, 10 and 100 <c>WS /api/runs/{id}/events</c> subscribers. Reports
/// deliveries per second (all subscribers together) and the latency from each event's timestamp (taken by the engine
/// before it commits the event) to its receipt by a subscriber.</summary>
internal static class WebSocketBenchmark
{
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
        int[] subscriberCounts = args.Length > 1 ? [.. args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1, 10, 100];
        var directory = Path.Combine(Path.GetTempPath(), $"orchestrator-ws-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await using var app = await StartSiloAsync(Path.Combine(directory, "bench.db"));
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await PutAsync(grains, $$"""
                name: ws-bench
                entry: wait
                maxIterations: {{iterations}}
                state: { n: 0 }
                nodes:
                  wait: { type: delay, duration: {{(int)StartDelay.TotalMilliseconds}}ms }
                  step: { type: set, values: { n: "state.n + 1" } }
                edges:
                  - { from: wait, to: step }
                  - { from: step, to: step, when: "state.n < {{iterations}}" }
                  - { from: step, to: END }
                """);
            Console.WriteLine($"run events over WebSocket (Kestrel, SQLite), {Environment.ProcessorCount} cores, a run of {iterations} iterations");
            foreach (var count in subscriberCounts)
            {
                await MeasureAsync(grains, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)), count);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasureAsync(IGrainFactory grains, Uri server, int subscribers)
    {
        var runId = RunIds.New(TimeProvider.System);
        var run = grains.GetGrain<IRunGrain>(runId);
        await run.StartAsync(new StartRun { Workflow = "ws-bench" });
        var sockets = new List<ClientWebSocket>();
        for (var i = 0; i < subscribers; i++)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(server, $"/api/runs/{runId}/events"), CancellationToken.None);
            sockets.Add(socket);
        }

        var connected = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(sockets.Select(s => ReceiveUntilEndAsync(s, connected)));
        var elapsed = clock.Elapsed;
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        var snapshot = await run.GetAsync();
        var deliveries = results.Sum(r => r.Received);
        var latencies = results.SelectMany(r => r.LatenciesMs).Order().ToArray();
        var first = results.Min(r => r.FirstLive);
        var last = results.Max(r => r.Last);
        var liveSeconds = (last - first).TotalSeconds;
        // The engine's own pace while it was watched (the run's life minus its opening delay), in events per second.
        var runSeconds = (snapshot.FinishedAt!.Value - snapshot.StartedAt!.Value - StartDelay).TotalSeconds;
        Console.WriteLine(
            $"  {subscribers,3} subscriber(s): {deliveries:N0} deliveries ({deliveries / subscribers:N0} each, run {snapshot.Status} at {deliveries / subscribers / runSeconds:N0} events/s) " +
            $"in {elapsed.TotalSeconds:0.00} s; live {latencies.Length / Math.Max(liveSeconds, 0.001):N0} deliveries/s; " +
            $"latency p50 {P(latencies, 50):0.0} ms, p99 {P(latencies, 99):0.0} ms, max {P(latencies, 100):0.0} ms");
    }

    /// <summary>Reads events until the run's end; latencies of events published after every subscriber connected.</summary>
    private static async Task<(int Received, List<double> LatenciesMs, DateTimeOffset FirstLive, DateTimeOffset Last)> ReceiveUntilEndAsync(WebSocket socket, DateTimeOffset connected)
    {
        var buffer = new byte[64 * 1024];
        var latencies = new List<double>(8_192);
        var received = 0;
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
                return (received, latencies, firstLive, last);
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
}
