using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Npgsql;
using Orchestrator.Silo.Tests;
using Orchestrator.Silo.Tests.Streams;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary>Silo executables as separate processes on one throwaway PostgreSQL database: they migrate it once, find
/// each other through its membership table, and every silo serves the runs of all.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class SiloClusterProcessTests(PostgresClusterFixture postgres) : IDisposable
{
    private static readonly TimeSpan JoinBound = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _silos = [];

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task ThreeSilos_StartingTogetherOnAnEmptyDatabase_MigrateItOnceAndFormOneCluster()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("three_silos");

        var silos = Enumerable.Range(1, 3).Select(i => Start($"silo-{i}", connectionString)).ToList();
        await Task.WhenAll(silos.Select(silo => silo.WaitUntilHealthyAsync()));

        await silos[2].WaitForSilosAsync(items => items.Count(s => Status(s) == "running") == 3, JoinBound);
        // Every version this build knows (4: the audit log's table), each applied by one silo only.
        int[] versions = [1, 2, 3, 4];
        Assert.Equal(versions, await SchemaVersionsAsync(connectionString));
        foreach (var version in versions)
        {
            Assert.Equal(1, silos.Sum(silo => Occurrences(silo.Process.Output, $"Migrated PostgreSQL storage to schema version {version}")));
        }
    }

    [Fact]
    public async Task TwoSilos_EachListBoth_AndServeARunStartedThroughTheOther()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("two_silos");
        var (a, b) = (Start("silo-a", connectionString), Start("silo-b", connectionString));
        await Task.WhenAll(a.WaitUntilHealthyAsync(), b.WaitUntilHealthyAsync());

        foreach (var asked in new[] { a, b })
        {
            var silos = await asked.WaitForSilosAsync(items => items.Count(s => Status(s) == "running") == 2, JoinBound);
            Assert.Equal([(a.Name, a.Url), (b.Name, b.Url)],
                silos.Select(s => (s!["name"]!.GetValue<string>(), s["address"]?.GetValue<string>())).Order().ToList());
            Assert.All(silos, s => Assert.Equal("postgres", s!["storage"]!.GetValue<string>()));
        }

        await a.PutWorkflowAsync("""
            {"name": "across-silos", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "second": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["first"]}}}
            """);
        using var start = await a.Http.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "across-silos" });
        var started = await start.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(start.IsSuccessStatusCode, started?.ToJsonString());
        Assert.Equal("completed", started!["status"]!.GetValue<string>());
        var runId = started["runId"]!.GetValue<string>();

        var read = (await b.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
        Assert.Equal("completed", read["status"]!.GetValue<string>());
        Assert.Equal(2, read["state"]!["n"]!.GetValue<double>());
        var events = (await b.Http.GetFromJsonAsync<JsonArray>(new Uri($"/api/runs/{runId}/events?after=0", UriKind.Relative)))!;
        var types = events.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal("run.created", types[0]);
        Assert.Equal("run.completed", types[^1]);
        Assert.Equal(2, types.Count(type => type == "node.completed"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["seq"]!.GetValue<long>()));
    }

    [Fact]
    public async Task EitherSilo_WatchesWaitsForAndCancels_ARunThatLivesOnTheOther()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("watch_across");
        var (a, b) = (Start("silo-a", connectionString), Start("silo-b", connectionString));
        await Task.WhenAll(a.WaitUntilHealthyAsync(), b.WaitUntilHealthyAsync());
        await b.WaitForSilosAsync(items => items.Count(s => Status(s) == "running") == 2, JoinBound);
        await a.PutWorkflowAsync("""
            {"name": "watched", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "wait": {"type": "delay", "duration": "1s", "dependsOn": ["first"]},
              "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
            """);
        await a.PutWorkflowAsync("""{"name": "long", "nodes": {"wait": {"type": "delay", "duration": "10m"}}}""");

        // Both silos watch the run, so one of them watches it from another silo, wherever Orleans placed it.
        ClusterSilo[] both = [a, b];
        var notifications = await Task.WhenAll(both.Select(silo => ConnectAsync(silo, "/ws")));
        var runId = await a.StartRunAsync("watched");
        var eventStreams = await Task.WhenAll(both.Select(silo => ConnectAsync(silo, $"/api/runs/{runId}/events")));
        var resultSockets = await Task.WhenAll(both.Select(silo => ConnectAsync(silo, $"/ws/results/{runId}")));
        try
        {
            foreach (var (stream, silo) in eventStreams.Zip(both))
            {
                var events = await stream.ReceiveUntilAsync(e => (string?)e["type"] is "run.completed" or "run.failed" or "run.cancelled");
                Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => (long)e["seq"]!));
                Assert.Equal(("run.created", "run.completed"), ((string?)events[0]["type"], (string?)events[^1]["type"]));
                Assert.True(events.Count(e => (string?)e["type"] == "node.completed") == 3, $"{silo.Name}: {string.Join(", ", events.Select(e => e["type"]))}");
            }

            foreach (var results in resultSockets)
            {
                var messages = await results.ReceiveUntilClosedAsync();
                Assert.Equal(WebSocketCloseStatus.NormalClosure, results.CloseStatus);
                Assert.Equal("workflow_completed", (string?)messages[^1]["type"]);
            }

            foreach (var socket in notifications)
            {
                var seen = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "execution_completed" && (string?)m["runId"] == runId);
                Assert.Contains(seen, m => (string?)m["type"] == "execution_started" && (string?)m["runId"] == runId);
            }
        }
        finally
        {
            foreach (var socket in notifications.Concat(eventStreams).Concat(resultSockets))
            {
                await socket.DisposeAsync();
            }
        }

        // Waiting for a run's end and cancelling work through either silo.
        foreach (var (through, other) in new[] { (a, b), (b, a) })
        {
            using var waited = await through.Http.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "watched" });
            var run = await waited.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
            Assert.Equal(("completed", 2.0), (run!["status"]!.GetValue<string>(), run["state"]!["n"]!.GetValue<double>()));

            var longRun = await other.StartRunAsync("long");
            await using var watch = await ConnectAsync(other, $"/api/runs/{longRun}/events");
            using var cancel = await through.Http.PostAsJsonAsync(new Uri($"/api/runs/{longRun}/cancel", UriKind.Relative), new { reason = "enough" });
            Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
            var ended = (await watch.ReceiveUntilAsync(e => (string?)e["type"] is "run.completed" or "run.failed" or "run.cancelled"))[^1];
            Assert.Equal("run.cancelled", (string?)ended["type"]);
            var read = (await other.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{longRun}", UriKind.Relative)))!;
            Assert.Equal("cancelled", read["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task AHungSilo_IsDeclaredDead_AndTheRunsItHeldCompleteOnTheOthers()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("hung_silo");
        var silos = Enumerable.Range(1, 3).Select(i => Start($"silo-h{i}", connectionString)).ToList();
        await Task.WhenAll(silos.Select(silo => silo.WaitUntilHealthyAsync()));
        await silos[1].WaitForSilosAsync(items => items.Count(s => Status(s) == "running") == 3, JoinBound);
        await silos[0].PutWorkflowAsync("""
            {"name": "outlives", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "wait": {"type": "delay", "duration": "2s", "dependsOn": ["first"]},
              "last": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["wait"]}}}
            """);
        // Placement puts some of them on the silo that hangs, the one they were started through.
        var runs = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add(await silos[0].StartRunAsync("outlives"));
        }

        var hungAt = DateTimeOffset.UtcNow;
        using (var stop = System.Diagnostics.Process.Start("kill", ["-STOP", silos[0].Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync();
            Assert.Equal(0, stop.ExitCode);
        }

        // Both survivors must have taken the hung silo out of their view of the cluster: until then, a read of a grain
        // whose directory entry the hung silo held waits for Orleans' response timeout.
        foreach (var survivor in silos.Skip(1))
        {
            await survivor.WaitForSilosAsync(items => items.Any(s => s!["name"]!.GetValue<string>() == silos[0].Name && Status(s) == "dead"), TimeSpan.FromSeconds(60));
        }

        var declaredDead = DateTimeOffset.UtcNow - hungAt;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var pending = new HashSet<string>(runs);
        var slowReads = 0;
        while (pending.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            foreach (var runId in pending.ToList())
            {
                using var readBound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                HttpResponseMessage response;
                try
                {
                    response = await silos[1 + (pending.Count % 2)].Http.GetAsync(new Uri($"/api/runs/{runId}", UriKind.Relative), readBound.Token);
                }
                catch (TaskCanceledException) when (readBound.IsCancellationRequested)
                {
                    // Counted and reported; the run must still complete before the deadline.
                    slowReads++;
                    continue;
                }

                using var answer = response;
                if (!answer.IsSuccessStatusCode)
                {
                    // A survivor that cannot serve the read yet (503 while it converges) is asked again.
                    slowReads++;
                    continue;
                }

                var run = await answer.Content.ReadFromJsonAsync<JsonObject>();
                if (run?["status"]?.GetValue<string>() == "completed")
                {
                    Assert.Equal(2, run["state"]!["n"]!.GetValue<double>());
                    pending.Remove(runId);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(pending.Count == 0, $"{pending.Count} of {runs.Count} runs did not complete after the hang: {string.Join(", ", pending)}\n{SurvivorsOn(silos.Skip(1), pending)}");
        Console.WriteLine($"A hung silo was declared dead {declaredDead.TotalSeconds:0.0} s after SIGSTOP; its runs completed {(DateTimeOffset.UtcNow - hungAt).TotalSeconds:0.0} s after it ({slowReads} reads took over 10 s or were refused).");
    }

    [Fact]
    public async Task AKeyCreatedOnOneSilo_WorksOnTheOther_AndStopsWorkingThereSoonAfterItIsRevoked()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("key_revocation");
        var (a, b) = (Start("silo-ka", connectionString), Start("silo-kb", connectionString));
        await Task.WhenAll(a.WaitUntilHealthyAsync(), b.WaitUntilHealthyAsync());

        // On loopback with no key yet, authentication is off: the first admin key is made through the API.
        var created = await a.PostAsync("/api/keys", new { name = "shared", role = "admin" });
        var key = created["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<string>();
        var works = await StatusOnAsync(b, key, TimeSpan.FromSeconds(10), HttpStatusCode.OK);
        using var anonymous = await b.Http.GetAsync(new Uri("/api/runs", UriKind.Relative));

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, new Uri($"/api/keys/{id}", UriKind.Relative));
        revoke.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var revoked = await a.Http.SendAsync(revoke);
        var stopped = await StatusOnAsync(b, key, TimeSpan.FromSeconds(10), HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Console.WriteLine($"A key created on one silo worked on the other after {works.TotalMilliseconds:0} ms; revoked, it stopped working there after {stopped.TotalMilliseconds:0} ms.");
    }

    /// <summary>How long until <c>GET /api/runs</c> on <paramref name="silo"/> with <paramref name="key"/> answers
    /// <paramref name="expected"/>; fails the test after <paramref name="bound"/>.</summary>
    private static async Task<TimeSpan> StatusOnAsync(ClusterSilo silo, string key, TimeSpan bound, HttpStatusCode expected)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/runs", UriKind.Relative));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await silo.Http.SendAsync(request);
            if (response.StatusCode == expected)
            {
                return started.Elapsed;
            }

            Assert.True(started.Elapsed < bound, $"{silo.Name} still answered {(int)response.StatusCode} after {bound.TotalSeconds} s, not {(int)expected}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task<SocketClient> ConnectAsync(ClusterSilo silo, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(SocketClient.DefaultBound);
        await socket.ConnectAsync(new Uri(new Uri(silo.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/"), pathAndQuery), timeout.Token);
        return new SocketClient(socket);
    }

    private ClusterSilo Start(string name, string connectionString)
    {
        var silo = ClusterSilo.Start(_workDir.Path, name, connectionString, "cluster-tests");
        _silos.Add(silo);
        return silo;
    }

    private static async Task<List<int>> SchemaVersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static string? Status(JsonNode? silo) => silo?["status"]?.GetValue<string>();

    private static int Occurrences(string text, string value) => text.Split(value).Length - 1;

    /// <summary>What the survivors logged about <paramref name="runIds"/> and about recovering after the departure.</summary>
    private static string SurvivorsOn(IEnumerable<ClusterSilo> survivors, IReadOnlyCollection<string> runIds) =>
        string.Join('\n', survivors.SelectMany(silo => silo.Process.Output.Split('\n')
            .Where(line => runIds.Any(id => line.Contains(id, StringComparison.Ordinal)) || line.Contains("left the cluster", StringComparison.Ordinal) || line.Contains("after a silo left", StringComparison.Ordinal))
            .TakeLast(40)
            .Select(line => $"{silo.Name}: {(line.Length > 400 ? line[..400] : line)}")));
}
