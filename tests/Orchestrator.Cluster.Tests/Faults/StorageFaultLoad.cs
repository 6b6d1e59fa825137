using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Cluster.Tests.Processes;
using Orchestrator.Testing.Services;

namespace Orchestrator.Cluster.Tests.Faults;

/// <summary>A steady load on silos whose storage fails on purpose, and the checks that nothing was lost or left stuck:
/// runs of a DAG with a retried node started every <see cref="StartEvery"/> (a start that failed is repeated with its
/// idempotency key), a pipeline of two loops joined by a queue whose producer and consumer report each value to a local
/// HTTP recorder, and a 1 s schedule.</summary>
internal sealed partial class StorageFaultLoad : IAsyncDisposable
{
    /// <summary>What the silos are started with: the fractions the issue names.</summary>
    public const string Faults = "fail-before=0.005,fail-after=0.005,delayed=0.01,delay=200ms";

    private const string Queue = "fault-readings";
    private static readonly TimeSpan StartEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    private readonly WebApplication _recorder;
    private readonly ConcurrentQueue<long> _pushed = new();
    private readonly ConcurrentQueue<long> _seen = new();
    private readonly List<string> _runs = [];
    private string? _pipeline;
    private string? _schedule;
    private int _failedStarts;
    private Func<IReadOnlyList<ClusterSilo>> _silos = () => [];

    private StorageFaultLoad(WebApplication recorder, Uri url)
    {
        _recorder = recorder;
        RecorderUrl = url;
    }

    /// <summary>Where the pipeline's nodes report the values they pushed and saw.</summary>
    public Uri RecorderUrl { get; }

    public static async Task<StorageFaultLoad> StartRecorderAsync()
    {
        var app = LocalWebApp.Create();
        StorageFaultLoad? load = null;
        app.MapPost("/{list}", async (string list, HttpRequest request) =>
        {
            var value = ValueOf(await JsonNode.ParseAsync(request.Body));
            (list == "seen" ? load!._seen : load!._pushed).Enqueue(value);
            return Results.Ok();
        });
        var url = await LocalWebApp.StartAsync(app);
        load = new StorageFaultLoad(app, url);
        return load;
    }

    /// <summary>Stores the workflows through <paramref name="silo"/> and starts the pipeline and the schedule.</summary>
    public async Task DefineAsync(ClusterSilo silo)
    {
        await PutAsync(silo, """
            {"name": "faulty", "nodes": {
              "a": {"type": "set", "values": {"n": "1"}},
              "b": {"type": "fail", "times": 1, "dependsOn": ["a"], "retry": {"maxAttempts": 4, "initialDelay": "100ms"}},
              "c": {"type": "set", "values": {"k": "state.n + 2"}, "dependsOn": ["a"]},
              "d": {"type": "set", "values": {"done": "state.k + 1"}, "dependsOn": ["b", "c"]}}}
            """);
        var retry = """{"maxAttempts": 20, "initialDelay": "50ms", "maxDelay": "1s"}""";
        await PutAsync(silo, $$$"""
            {"name": "fault-pipeline",
             "loops": {
               "source": {"producer": {"type": "interval", "every": "100ms"}, "chain": [{"node": "push"}, {"node": "note"}]},
               "sink": {"producer": {"type": "queue", "queue": "{{{Queue}}}"}, "chain": [{"node": "seen"}]}},
             "nodes": {
               "push": {"type": "queue.push", "queue": "{{{Queue}}}", "value": "${iteration}", "retry": {{{retry}}}},
               "note": {"type": "http", "method": "POST", "url": "{{{RecorderUrl}}}pushed", "body": {"v": "${iteration}"}, "retry": {{{retry}}}},
               "seen": {"type": "http", "method": "POST", "url": "{{{RecorderUrl}}}seen", "body": {"v": "${data}"}, "retry": {{{retry}}} } } }
            """);
        await PutAsync(silo, """{"name": "fault-tick", "nodes": {"only": {"type": "noop"}}}""");
        _pipeline = await RepeatAsync(() => silo.StartRunAsync("fault-pipeline"));
        _schedule = (await RepeatAsync(() => silo.PostAsync("/api/schedules", new { workflow = "fault-tick", every = "1s", overlap = "allow" })))["id"]!.GetValue<string>();
    }

    /// <summary>Starts runs every <see cref="StartEvery"/> for <paramref name="duration"/>, round robin over the silos
    /// <paramref name="through"/> returns (it may change as silos come and go).</summary>
    public async Task LoadAsync(Func<IReadOnlyList<ClusterSilo>> through, TimeSpan duration)
    {
        _silos = through;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var key = Guid.NewGuid().ToString("N");
            string? runId = null;
            for (var tries = 0; runId is null && tries < 100; tries++)
            {
                var silos = through();
                var silo = silos[(_runs.Count + tries) % silos.Count];
                try
                {
                    using var start = await silo.Http.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "faulty", idempotencyKey = key });
                    if (start.IsSuccessStatusCode)
                    {
                        runId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>();
                        continue;
                    }

                    // Only a storage that did not answer may refuse a start.
                    Assert.True((int)start.StatusCode == 503, $"POST /api/runs: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}\n{Failures(silo)}");
                    Assert.True(start.Headers.RetryAfter is not null, "a 503 without Retry-After");
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                _failedStarts++;
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            _runs.Add(runId ?? throw new InvalidOperationException("A run could not be started through any silo in 100 tries."));
            await Task.Delay(StartEvery);
        }
    }

    /// <summary>Every check, through <paramref name="silo"/>, once the load has stopped; a line of figures.</summary>
    public async Task<string> CheckAsync(ClusterSilo silo)
    {
        var runs = await CheckRunsAsync(silo);
        var pipeline = await CheckPipelineAsync(silo);
        var schedule = await CheckScheduleAsync(silo);
        return $"{_runs.Count} runs acknowledged ({_failedStarts} starts answered 503 or no answer and were repeated), {runs}; {pipeline}; {schedule}";
    }

    /// <summary>With the storage down: the silo reports itself degraded (503) within 20 s, and a start is refused with
    /// 503 in bounded time rather than hanging. A line of figures.</summary>
    public static async Task<string> CheckDegradedAsync(ClusterSilo silo)
    {
        var clock = Stopwatch.StartNew();
        JsonObject? health = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var response = await silo.Http.GetAsync(new Uri("/api/health", UriKind.Relative));
            health = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject;
            if ((int)response.StatusCode == 503 && health?["status"]?.GetValue<string>() == "degraded")
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(health?["status"]?.GetValue<string>() == "degraded", $"health while PostgreSQL is down: {health?.ToJsonString()}");
        var degradedAfter = clock.ElapsedMilliseconds;
        var start = Stopwatch.StartNew();
        using var refused = await silo.Http.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow = "faulty", idempotencyKey = Guid.NewGuid().ToString("N") });
        Assert.True((int)refused.StatusCode == 503, $"a start while PostgreSQL is down: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        return $"stopped: degraded after {degradedAfter} ms ({health!["reason"]}), a start refused with 503 in {start.ElapsedMilliseconds} ms";
    }

    /// <summary>Waits (up to 30 s) until every silo reports itself healthy again; how long it took.</summary>
    public static async Task<string> WaitUntilHealthyAgainAsync(IReadOnlyList<ClusterSilo> silos)
    {
        var clock = Stopwatch.StartNew();
        foreach (var silo in silos)
        {
            string? status = null;
            while (clock.Elapsed < Settle)
            {
                status = (await TryGetAsync(silo, "/api/health"))?["status"]?.GetValue<string>();
                if (status == "healthy")
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            Assert.True(status == "healthy", $"{silo.Name} is {status ?? "silent"} {Settle.TotalSeconds} s after PostgreSQL came back");
        }

        return $"healthy again after {clock.ElapsedMilliseconds} ms";
    }

    /// <summary>The counters a silo logs when it stops: calls, failed before, failed after, delayed.</summary>
    public static (long Calls, long Before, long After, long Delayed) InjectedFaults(string output)
    {
        var match = InjectedLine().Match(output);
        Assert.True(match.Success, $"the silo did not log the faults it injected:\n{output[^Math.Min(output.Length, 4000)..]}");
        return (Number(match, 1), Number(match, 2), Number(match, 3), Number(match, 4));

        static long Number(Match match, int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _recorder.DisposeAsync();

    /// <summary>Every acknowledged run completes with its state within <see cref="Settle"/>, each node completed once,
    /// and no run of the load is left running. The wait is on the listing, which reads storage and activates no run: a
    /// run left asleep (no activation, no reminder to wake it) stays listed as running, where a read of the run itself
    /// would wake it and hide the fault.</summary>
    private async Task<string> CheckRunsAsync(ClusterSilo silo)
    {
        var deadline = Stopwatch.StartNew();
        List<string>? unfinished = null;
        while (deadline.Elapsed < Settle)
        {
            unfinished = await UnfinishedAsync(silo);
            if (unfinished is [])
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.True(unfinished is not null, "GET /api/runs never answered");
        if (unfinished.Count > 0)
        {
            var checkEnded = DateTimeOffset.UtcNow;
            var details = await Task.WhenAll(unfinished.Take(3).Select(async id =>
                $"{id}: {(await TryGetAsync(silo, $"/api/runs/{id}"))?.ToJsonString()}\n  its silo log lines:\n{LinesAbout(id)}"));
            Assert.Fail($"{unfinished.Count} runs of the load still listed as pending or running {Settle.TotalSeconds} s after the load's end " +
                $"({checkEnded - deadline.Elapsed:HH:mm:ss.fff} to {checkEnded:HH:mm:ss.fff}):\n{string.Join("\n", details)}");
        }

        var twice = 0;
        foreach (var runId in _runs)
        {
            var run = await RepeatAsync(async () => await TryGetAsync(silo, $"/api/runs/{runId}") as JsonObject ?? throw new HttpRequestException("no run"));
            Assert.True(run["status"]?.GetValue<string>() == "completed" && run["state"]!["done"]!.GetValue<double>() == 4, run.ToJsonString());
            var events = (await RepeatAsync(async () => (await TryGetAsync(silo, $"/api/runs/{runId}/events?limit=1000")) as JsonArray
                ?? throw new HttpRequestException("no events"))).Select(e => e!.AsObject()).ToList();
            var completedNodes = events.Where(e => e["type"]!.GetValue<string>() == "node.completed").Select(e => e["node"]!.GetValue<string>()).ToList();
            twice += completedNodes.Count - completedNodes.Distinct().Count();
            Assert.True(completedNodes.Order().SequenceEqual(["a", "b", "c", "d"]), $"{runId}: nodes completed {string.Join(", ", completedNodes)}");
        }

        return $"all completed, no node completed twice ({twice})";
    }

    /// <summary>The runs of the load the listing shows pending or running; null when the silo did not answer.</summary>
    private static async Task<List<string>?> UnfinishedAsync(ClusterSilo silo)
    {
        var unfinished = new List<string>();
        foreach (var status in new[] { "pending", "running" })
        {
            if (await TryGetAsync(silo, $"/api/runs?workflow=faulty&status={status}&limit=100") is not JsonObject page)
            {
                return null;
            }

            unfinished.AddRange(page["items"]!.AsArray().Select(item => item!["runId"]!.GetValue<string>()));
        }

        return unfinished;
    }

    /// <summary>With the producer paused and the consumer caught up: every value the producer pushed was seen, first
    /// sightings in the order pushed, repeats only of values seen before (a redelivered message), none dead-lettered.</summary>
    private async Task<string> CheckPipelineAsync(ClusterSilo silo)
    {
        await RepeatAsync(() => silo.PostAsync($"/api/loops/{_pipeline}:source/pause", new { }));
        var deadline = Stopwatch.StartNew();
        JsonObject? queue = null;
        long? previousProduced = null;
        while (deadline.Elapsed < Settle)
        {
            // A poll that gets no answer (the silo busy recovering) keeps the last answer and tries again.
            if (await TryGetAsync(silo, $"/api/queues/{Queue}") is not JsonObject answer)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
                continue;
            }

            queue = answer;
            var produced = queue?["produced"]?.GetValue<long>();
            if (queue?["consumers"]?.AsArray() is [{ } only] && produced > 0 && produced == previousProduced && only["lag"]!.GetValue<long>() == 0)
            {
                break;
            }

            previousProduced = produced;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.True(queue is not null, $"GET /api/queues/{Queue} never answered");
        Assert.True(queue!["consumers"]!.AsArray().Count == 1,
            $"the queue's consumers: {queue.ToJsonString()}; the sink: {(await TryGetAsync(silo, $"/api/loops/{_pipeline}:sink"))?.ToJsonString()}; " +
            $"its log: {(await TryGetAsync(silo, $"/api/loops/{_pipeline}:sink/logs?limit=20"))?.ToJsonString()}\n{Failures(silo)}");
        var consumer = queue["consumers"]!.AsArray()[0];
        Assert.True(consumer!["lag"]!.GetValue<long>() == 0, queue.ToJsonString());
        Assert.Equal(0, queue["deadLettered"]!.GetValue<long>());

        // The sink's last deliveries may still be reporting: wait until every pushed value was seen.
        var pushed = _pushed.ToHashSet();
        var sightings = Stopwatch.StartNew();
        while (!pushed.IsSubsetOf(_seen) && sightings.Elapsed < Settle)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        var seen = _seen.ToList();
        var missing = pushed.Except(seen).Order().ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} pushed values never seen by the consumer: {string.Join(", ", missing.Take(20))}");
        var first = new List<long>();
        var known = new HashSet<long>();
        foreach (var value in seen.Where(known.Add))
        {
            first.Add(value);
        }

        var outOfOrder = first.Zip(first.Skip(1)).Where(pair => pair.Second <= pair.First).ToList();
        Assert.True(outOfOrder.Count == 0, $"values first seen out of order: {string.Join(", ", outOfOrder.Take(10))}");
        Assert.True(pushed.Count > 100, $"only {pushed.Count} values pushed");
        return $"pipeline: {pushed.Count} values pushed, all seen in order, {seen.Count - first.Count} seen again";
    }

    /// <summary>With the schedule disabled, each of its due times is accounted for once (<see cref="ScheduleAccounting"/>).</summary>
    private async Task<string> CheckScheduleAsync(ClusterSilo silo)
    {
        await RepeatAsync(() => silo.PostAsync($"/api/schedules/{_schedule}/disable", new { }));
        return await ScheduleAccounting.CheckAsync(silo, _schedule!, atLeast: 31, countRuns: true);
    }

    /// <summary>Stores a workflow, repeating while the storage refuses (the same definition again is a no-op).</summary>
    private static Task<string> PutAsync(ClusterSilo silo, string json) => RepeatAsync(async () =>
    {
        using var put = await silo.Http.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await put.Content.ReadAsStringAsync();
        return put.IsSuccessStatusCode ? body : throw new HttpRequestException($"{(int)put.StatusCode}: {body}");
    });

    /// <summary>The lines every silo of the load logged that name <paramref name="id"/>, with the silo's name.</summary>
    private string LinesAbout(string id) => string.Join('\n', _silos().SelectMany(silo => (silo.Process.Output + silo.Process.Error).Split('\n')
        .Where(line => line.Contains(id, StringComparison.Ordinal)).Take(20).Select(line => $"  {silo.Name}: {line}")));

    /// <summary>The errors a silo logged, last ones first.</summary>
    private static string Failures(ClusterSilo silo) =>
        string.Join('\n', (silo.Process.Output + silo.Process.Error).Split('\n').Where(line => line.Contains(" fail: ", StringComparison.Ordinal)).Reverse().Take(5));

    /// <summary>Repeats <paramref name="call"/> while the storage (or the silo) refuses it, up to 30 s.</summary>
    private static async Task<T> RepeatAsync<T>(Func<Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (deadline.Elapsed < Settle && e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static Task<JsonNode?> TryGetAsync(ClusterSilo silo, string path) => silo.TryGetAsync(path);

    private static long ValueOf(JsonNode? body) => body?["v"] switch
    {
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<double>(out var real) => (long)real,
        JsonValue value => long.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"no value in {body?.ToJsonString()}: {other}"),
    };

    [GeneratedRegex(@"Storage faults injected: (\d+) calls, (\d+) failed before the store, (\d+) failed after it, (\d+) delayed")]
    private static partial Regex InjectedLine();
}
