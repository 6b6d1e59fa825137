using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Postgres;
using Orchestrator.Testing.Postgres;
using Orleans.Configuration;
using Orleans.Placement;

namespace Orchestrator.Benchmarks;

/// <summary>Grain calls between two silos of one cluster on PostgreSQL membership, both hosted in this process but
/// talking over TCP on 127.0.0.1 as separate processes would (Orleans' own test cluster would connect them in memory).
/// The caller runs on silo A; the grains are activated from silo B with prefer-local placement, so they live on B
/// (checked through each grain's <see cref="Grain.RuntimeIdentity"/>). The same calls to grains on A itself are the
/// baseline without the hop.</summary>
internal static class CrossSiloCallBenchmark
{
    private const int Callers = 64;

    public static async Task RunAsync(PostgresServer server, TimeSpan duration)
    {
        var connectionString = await server.CreateDatabaseAsync("calls");
        // The silo processes migrate the schema (the membership tables among it) before Orleans starts; so does this.
        await using (var schema = new PostgresStorageBackend(connectionString))
        {
            await schema.InitializeAsync(CancellationToken.None);
        }

        using var siloA = await StartSiloAsync("silo-a", connectionString);
        using var siloB = await StartSiloAsync("silo-b", connectionString);
        await WaitForMembersAsync([siloA, siloB], 2);
        var callerFactory = siloA.Services.GetRequiredService<IGrainFactory>();
        var identityA = siloA.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        var identityB = siloB.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

        var onB = await PlaceAsync(siloB.Services.GetRequiredService<IGrainFactory>(), callerFactory, "b", Callers, identityB);
        var onA = await PlaceAsync(callerFactory, callerFactory, "a", Callers, identityA);

        // Warm-up: JIT, connections, directory caches.
        await MeasureAsync(onB, 1, TimeSpan.FromSeconds(1));
        await MeasureAsync(onA, 1, TimeSpan.FromSeconds(1));
        await MeasureAsync(onB, Callers, TimeSpan.FromSeconds(1));

        Console.WriteLine($"grain calls between two silos on PostgreSQL membership (one process, TCP on 127.0.0.1), {Environment.ProcessorCount} cores, {duration.TotalSeconds:0.#} s per scenario; {PostgresClusterBenchmark.LoadAverage()}");
        Console.WriteLine($"  {"caller on A, grain on A (no hop), 1 caller",-46} {await MeasureAsync(onA, 1, duration)}");
        Console.WriteLine($"  {"caller on A, grain on B, 1 caller (sequential)",-46} {await MeasureAsync(onB, 1, duration)}");
        Console.WriteLine($"  {$"caller on A, grain on A (no hop), {Callers} callers",-46} {await MeasureAsync(onA, Callers, duration)}");
        Console.WriteLine($"  {$"caller on A, grains on B, {Callers} callers",-46} {await MeasureAsync(onB, Callers, duration)}");
        await siloB.StopAsync();
        await siloA.StopAsync();
    }

    /// <summary>Activates <paramref name="count"/> grains through <paramref name="activator"/> (prefer-local placement puts
    /// them on its silo) and returns them as <paramref name="caller"/> sees them, after checking where each lives.</summary>
    private static async Task<IPlacedEchoGrain[]> PlaceAsync(IGrainFactory activator, IGrainFactory caller, string prefix, int count, string expected)
    {
        var grains = new IPlacedEchoGrain[count];
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}-{i}";
            var where = await activator.GetGrain<IPlacedEchoGrain>(key).WhereAsync();
            if (where != expected)
            {
                throw new InvalidOperationException($"grain {key} was placed on {where}, not on {expected}");
            }

            grains[i] = caller.GetGrain<IPlacedEchoGrain>(key);
        }

        // Seen from the caller, too: the calls below must cross to the silo they were placed on.
        foreach (var grain in grains)
        {
            if (await grain.WhereAsync() != expected)
            {
                throw new InvalidOperationException($"a grain answered from another silo than {expected}");
            }
        }

        return grains;
    }

    /// <summary>Each caller calls its own grain over and over for the duration.</summary>
    private static async Task<string> MeasureAsync(IPlacedEchoGrain[] grains, int callers, TimeSpan duration)
    {
        // Room for a million calls a second; calls beyond it count, their latencies are not kept.
        var recorder = new LatencyRecorder((int)Math.Min(50_000_000, 1_000_000 * Math.Max(1, duration.TotalSeconds)));
        var clock = Stopwatch.StartNew();
        long calls = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var grain = grains[c % grains.Length];
            long local = 0;
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await grain.EchoAsync(c);
                recorder.Record(start);
                local++;
            }

            Interlocked.Add(ref calls, local);
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        return $"{calls / elapsed,10:N0} calls/s   {recorder.Summary()}";
    }

    private static async Task<IHost> StartSiloAsync(string name, string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = name, DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = "bench-calls";
                cluster.ServiceId = "bench-calls";
            });
            silo.Configure<SiloOptions>(options => options.SiloName = name);
            silo.UsePostgresClustering(connectionString);
            silo.ConfigureEndpoints(IPAddress.Loopback, ClusterSiloProcess.FreePort(), ClusterSiloProcess.FreePort());
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Waits until every silo sees <paramref name="count"/> active members.</summary>
    private static async Task WaitForMembersAsync(IHost[] silos, int count)
    {
        var clock = Stopwatch.StartNew();
        while (silos.Any(s => s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) < count))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the silos did not see {count} active members within 60 s");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>The cross-silo benchmark's grain: answers at once, and says on which silo it runs.</summary>
public interface IPlacedEchoGrain : IGrainWithStringKey
{
    Task<int> EchoAsync(int value);

    /// <summary>The silo the activation runs on (<see cref="Grain.RuntimeIdentity"/>).</summary>
    Task<string> WhereAsync();
}

/// <inheritdoc cref="IPlacedEchoGrain"/>
[PreferLocalPlacement]
public sealed class PlacedEchoGrain : Grain, IPlacedEchoGrain
{
    /// <inheritdoc/>
    public Task<int> EchoAsync(int value) => Task.FromResult(value);

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult(RuntimeIdentity);
}
