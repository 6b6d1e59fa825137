using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using Orchestrator.Testing.Postgres;

namespace Orchestrator.Benchmarks;

/// <summary>How long a run on a silo killed with SIGKILL takes to go on elsewhere: three silo processes on a fresh
/// database each time; <see cref="RunsPerKill"/> runs (set → 2 s delay → set) started through the silo about to be
/// killed, of which Orleans' default placement puts about half there (it prefers the calling silo only while the silos'
/// loads are even); the silo killed while the delays run; the runs' events then read through the survivors every
/// <see cref="PollInterval"/> until they complete. The runs that lived on the killed silo show <c>run.recovered</c>
/// after the kill; the first of them is the measurement (when none did, the repetition is done again on a fresh
/// cluster). Also timed: when the membership table declares the killed silo dead.</summary>
/// <remarks>Reading the run is what calls it, and so what moves it: its grain activates on a survivor once the cluster
/// has declared the killed silo dead and the call is routed there, and activation retries the interrupted attempt
/// (<c>run.recovered</c>, then the delay from its start). Nothing else would call it: a running delay has no durable
/// reminder (retries, run timeouts and schedules do), so with nobody reading, the run waits for the first call.
/// Timestamps are the engine's, on the same machine's clock as the kill.</remarks>
internal static class TakeoverBenchmark
{
    private const int Repetitions = 5;
    private const int AttemptsPerRepetition = 3;

    /// <summary>Runs started through the silo to be killed: placement puts about half of them there, so that a kill
    /// rarely finds none of them to move.</summary>
    private const int RunsPerKill = 4;
    private static readonly TimeSpan KillAfter = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DeathPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CompletionBound = TimeSpan.FromSeconds(60);

    private const string Workflow = """
        {"name": "takeover", "nodes": {
          "first": {"type": "set", "values": {"n": "1"}},
          "wait": {"type": "delay", "duration": "2s", "dependsOn": ["first"]},
          "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
        """;

    public static async Task RunAsync(PostgresServer server)
    {
        Console.WriteLine($"takeover after SIGKILL: 3 silo processes, {RunsPerKill} runs (set → delay 2 s → set) started through the silo killed {KillAfter.TotalMilliseconds:0} ms into their delays, their events read through the survivors every {PollInterval.TotalMilliseconds:0} ms; {PostgresClusterBenchmark.LoadAverage()}");
        var takeovers = new List<double>();
        for (var repetition = 1; repetition <= Repetitions; repetition++)
        {
            Measurement? measured = null;
            for (var attempt = 1; measured is null && attempt <= AttemptsPerRepetition; attempt++)
            {
                measured = await MeasureOnceAsync(server, $"takeover-{repetition}-{attempt}");
                if (measured is null)
                {
                    Console.WriteLine($"  #{repetition}: none of the {RunsPerKill} runs was placed on the silo they were started through (no run.recovered after the kill); again on a fresh cluster");
                }
            }

            if (measured is not { } m)
            {
                throw new InvalidOperationException($"takeover #{repetition}: the run never landed on the silo to be killed in {AttemptsPerRepetition} attempts");
            }

            takeovers.Add(m.Resumed);
            Console.WriteLine(
                $"  #{repetition}: {m.RunsMoved} of {RunsPerKill} runs on the killed silo; kill → declared dead in the membership table {Ms(m.DeclaredDead)}; " +
                $"→ the first run's run.recovered on a survivor {Ms(m.Resumed)} (the last one's {Ms(m.LastResumed)}); → its next event {Ms(m.FirstStep)} ({m.FirstStepType}); " +
                $"→ its run.completed {Ms(m.Completed)} (the delay starts over: +2 s)");
        }

        var sorted = takeovers.Order().ToArray();
        Console.WriteLine($"  kill → run resumed on a survivor: {string.Join(", ", takeovers.Select(t => Ms(t)))}; median {Ms(sorted[sorted.Length / 2])}");
    }

    private static async Task<Measurement?> MeasureOnceAsync(PostgresServer server, string clusterId)
    {
        var connectionString = await server.CreateDatabaseAsync(clusterId);
        var workDirectory = PostgresClusterBenchmark.NewWorkDirectory(clusterId);
        var silos = new List<ClusterSiloProcess>();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            silos.AddRange(Enumerable.Range(1, 3).Select(i => ClusterSiloProcess.Start(workDirectory, $"silo-{i}", connectionString, clusterId)));
            await Task.WhenAll(silos.Select(s => s.WaitUntilHealthyAsync(http, StartBound)));
            await Task.WhenAll(silos.Select(s => s.WaitForRunningSilosAsync(http, 3, StartBound)));
            var victim = silos[0];
            var survivors = silos.Skip(1).ToList();
            await PostAsync(http, new Uri(victim.Url, "api/workflows"), Workflow);
            var runIds = new List<string>();
            for (var i = 0; i < RunsPerKill; i++)
            {
                using var started = JsonDocument.Parse(await PostAsync(http, new Uri(victim.Url, "api/runs"), """{"workflow": "takeover"}"""));
                runIds.Add(started.RootElement.GetProperty("runId").GetString()!);
            }

            // Kill while the delays run: each run's log says 'wait' started; its grain holds the delay in memory.
            foreach (var runId in runIds)
            {
                var eventsOnVictim = new Uri(victim.Url, $"api/runs/{runId}/events");
                while (!(await ReadEventsAsync(http, eventsOnVictim)).Any(e => e.Type == "node.started" && e.Node == "wait"))
                {
                    await Task.Delay(20);
                }
            }

            await Task.Delay(KillAfter);
            var killedAt = DateTimeOffset.UtcNow;
            victim.Kill();

            using var done = new CancellationTokenSource(CompletionBound);
            var declaredDead = WatchDeathAsync(connectionString, clusterId, victim.Name, killedAt, done.Token);
            var clock = Stopwatch.StartNew();
            var events = runIds.ToDictionary(id => id, _ => new List<RunEventLine>(), StringComparer.Ordinal);
            for (var poll = 0; events.Values.Any(log => !log.Any(e => e.Type == "run.completed")); poll++)
            {
                if (clock.Elapsed > CompletionBound)
                {
                    throw new InvalidOperationException($"runs did not complete within {CompletionBound.TotalSeconds:0} s of the kill: " +
                        string.Join("; ", events.Select(r => $"{r.Key}: {string.Join(", ", r.Value.Select(e => e.Type))}")));
                }

                await Task.Delay(PollInterval);
                foreach (var (runId, log) in events.Where(r => !r.Value.Any(e => e.Type == "run.completed")).ToList())
                {
                    events[runId] = await TryReadEventsAsync(http, new Uri(survivors[poll % survivors.Count].Url, $"api/runs/{runId}/events")) ?? log;
                }
            }

            // The death comes before a run moves; a few seconds more to see it, should the poll have lagged.
            done.CancelAfter(TimeSpan.FromSeconds(5));
            var dead = await declaredDead;

            // A run that lived on a survivor completes undisturbed; the ones that lived on the killed silo were recovered.
            var moved = runIds.Where(id => events[id].Any(e => e.Type == "run.recovered" && e.Timestamp > killedAt)).ToList();
            if (moved.Count == 0)
            {
                return null;
            }

            var first = events[moved[0]];
            var recovered = first.First(e => e.Type == "run.recovered" && e.Timestamp > killedAt);
            var firstStep = first.First(e => e.Seq > recovered.Seq && e.Type != "run.recovered");
            var completed = first.First(e => e.Type == "run.completed");
            return new Measurement(
                moved.Count,
                dead,
                (recovered.Timestamp - killedAt).TotalMilliseconds,
                (firstStep.Timestamp - killedAt).TotalMilliseconds,
                $"{firstStep.Type} {firstStep.Node}".TrimEnd(),
                (completed.Timestamp - killedAt).TotalMilliseconds,
                moved.Max(id => (events[id].First(e => e.Type == "run.recovered" && e.Timestamp > killedAt).Timestamp - killedAt).TotalMilliseconds));
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }

            PostgresClusterBenchmark.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>Polls the membership table until the killed silo's row says dead (Orleans' <see cref="SiloStatus.Dead"/>);
    /// the time from the kill, or null when that was not seen before the run completed.</summary>
    private static async Task<double?> WatchDeathAsync(string connectionString, string clusterId, string victim, DateTimeOffset killedAt, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var query = new NpgsqlCommand("SELECT count(*) FROM cluster_members WHERE cluster_id = $1 AND silo_name = $2 AND status = $3", connection);
            query.Parameters.Add(new NpgsqlParameter { Value = clusterId });
            query.Parameters.Add(new NpgsqlParameter { Value = victim });
            query.Parameters.Add(new NpgsqlParameter { Value = (int)SiloStatus.Dead });
            while (true)
            {
                if (await query.ExecuteScalarAsync(cancellationToken) is long and > 0)
                {
                    return (DateTimeOffset.UtcNow - killedAt).TotalMilliseconds;
                }

                await Task.Delay(DeathPollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<string> PostAsync(HttpClient http, Uri uri, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(uri, content);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"POST {uri} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<List<RunEventLine>> ReadEventsAsync(HttpClient http, Uri uri) =>
        await TryReadEventsAsync(http, uri) ?? throw new InvalidOperationException($"GET {uri} failed");

    /// <summary>The run's events, or null when the silo did not answer with them (a call still routed to the killed
    /// silo fails until the cluster declares it dead).</summary>
    private static async Task<List<RunEventLine>?> TryReadEventsAsync(HttpClient http, Uri uri)
    {
        try
        {
            using var response = await http.GetAsync(uri);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return [.. document.RootElement.EnumerateArray().Select(e => new RunEventLine(
                e.GetProperty("seq").GetInt64(),
                e.GetProperty("type").GetString()!,
                e.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null,
                e.GetProperty("timestamp").GetDateTimeOffset()))];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static string Ms(double? milliseconds) =>
        milliseconds is { } ms ? ms.ToString("N0", CultureInfo.InvariantCulture) + " ms" : "not seen";

    private sealed record RunEventLine(long Seq, string Type, string? Node, DateTimeOffset Timestamp);

    /// <summary>What one kill showed: how many of the runs lived on the killed silo, when the silo was declared dead, and
    /// for the first of its runs (in start order) when it was recovered, took its next step and completed; and when the
    /// last of them was recovered.</summary>
    private readonly record struct Measurement(
        int RunsMoved, double? DeclaredDead, double Resumed, double FirstStep, string FirstStepType, double Completed, double LastResumed);
}
