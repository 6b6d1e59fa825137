using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.LoadBench;

/// <summary>One load shape: <see cref="Runs"/> runs of a workflow whose DAG has <see cref="TasksPerRun"/> independent
/// <c>noop</c> nodes, or (<see cref="FanOut"/>) one <c>noop</c> node run once per element of a list of that many
/// items (<c>forEach</c>).</summary>
internal sealed record Scenario(int Number, string Title, int Runs, int TasksPerRun, bool FanOut)
{
    public int Tasks => Runs * TasksPerRun;

    public static Scenario Parallel(int number, int runs, int tasks) =>
        new(number, $"{runs:N0} runs x {tasks:N0} noop tasks", runs, tasks, FanOut: false);

    public static Scenario ForEach(int number, int width) =>
        new(number, $"1 run fanning out to {width:N0} noop tasks (forEach)", 1, width, FanOut: true);

    /// <summary>The scenarios the options choose, scaled: 1 = 1,000 runs x 20 tasks, 2 = 200 runs x 100 tasks, 3 = one
    /// run fanning out to 10,000 tasks.</summary>
    public static List<Scenario> Chosen(LoadBenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<Scenario> scenarios = [];
        if (options.Scenarios.Contains(1))
        {
            scenarios.Add(Parallel(1, options.Scaled(1_000), 20));
        }

        if (options.Scenarios.Contains(2))
        {
            scenarios.Add(Parallel(2, options.Scaled(200), 100));
        }

        if (options.Scenarios.Contains(3))
        {
            scenarios.Add(ForEach(3, Math.Min(options.Scaled(10_000), 10_000)));
        }

        return scenarios;
    }

    /// <summary>The workflow definition (JSON) under the given name.</summary>
    public string Definition(string name)
    {
        var nodes = new JsonObject();
        if (FanOut)
        {
            nodes["fan"] = new JsonObject { ["type"] = "noop", ["forEach"] = "state.items" };
        }
        else
        {
            var digits = (TasksPerRun - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            for (var i = 0; i < TasksPerRun; i++)
            {
                nodes[$"t{i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0')}"] = new JsonObject { ["type"] = "noop" };
            }
        }

        return new JsonObject
        {
            ["name"] = name,
            ["description"] = $"load benchmark: {Title}",
            ["nodes"] = nodes,
        }.ToJsonString();
    }

    /// <summary>The body of <c>POST /api/runs</c>: the workflow, and for a fan-out the list to fan out over.</summary>
    public byte[] StartBody(string name)
    {
        var body = new JsonObject { ["workflow"] = name };
        if (FanOut)
        {
            body["input"] = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, TasksPerRun).Select(i => (JsonNode)i)]) };
        }

        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}

/// <summary>What one scenario measured on one silo.</summary>
internal sealed class ScenarioResult
{
    public required Scenario Scenario { get; init; }

    public string? Error { get; set; }

    public int Submitted { get; set; }

    public int SubmitErrors { get; set; }

    public string? FirstSubmitError { get; set; }

    public TimeSpan SubmitTime { get; set; }

    /// <summary>Client-side latency of each accepted <c>POST /api/runs</c>, ms, sorted.</summary>
    public double[] SubmitLatencies { get; set; } = [];

    public int Completed { get; set; }

    /// <summary>Runs of ours the last complete listing of <c>GET /api/runs?workflow=</c> did not show (read one by one
    /// instead); 0 when the listing is whole.</summary>
    public int MissingFromListing { get; set; }

    public int Failed { get; set; }

    public int Unfinished { get; set; }

    /// <summary>Server-side <c>createdAt → finishedAt</c> of each finished run, ms, sorted.</summary>
    public double[] RunLatencies { get; set; } = [];

    /// <summary>From the first run's <c>createdAt</c> to the last run's <c>finishedAt</c> (server clock).</summary>
    public TimeSpan ServerSpan { get; set; }

    /// <summary>From the first submit to the poll that saw every run finished (client clock; includes polling delay).</summary>
    public TimeSpan ClientWall { get; set; }

    /// <summary>The silo's resident set after the scenario (summed over a cluster's silos).</summary>
    public SiloProcess.Sample? Memory { get; set; }

    /// <summary>Each silo's resident set after the scenario, when the target has several.</summary>
    public IReadOnlyList<SiloProcess.Sample>? MemoryPerSilo { get; set; }

    /// <summary>CPU time the silo process used from the first submit to the end, summed over a cluster's silos (null when
    /// they are not on this machine).</summary>
    public TimeSpan? SiloCpu { get; set; }

    /// <summary>CPU time this benchmark process used over the same stretch (all its threads).</summary>
    public TimeSpan ClientCpu { get; set; }

    /// <summary>CPU time the rest of the machine used over the same stretch (busy time of all cores, less the silo's and
    /// the client's): other silos, a database server, builds, anything that competed for the cores. Null when unknown.</summary>
    public TimeSpan? OtherCpu { get; set; }

    public long? MetricsMemory { get; set; }

    /// <summary>Noop tasks of completed runs per second of <see cref="ServerSpan"/>.</summary>
    public double TasksPerSecond => ServerSpan > TimeSpan.Zero ? Completed * Scenario.TasksPerRun / ServerSpan.TotalSeconds : 0;

    public double SubmitRate => SubmitTime > TimeSpan.Zero ? Submitted / SubmitTime.TotalSeconds : 0;

    public static double Percentile(double[] sorted, double percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Runs a scenario against one silo: stores the workflow, submits every run at once (at most
/// <c>concurrency</c> requests in flight), then polls the runs listing until every run has finished.</summary>
internal static class ScenarioRunner
{
    /// <summary>The unreported warm-up (JIT, first activations): 50 runs x 20 tasks.</summary>
    public static async Task WarmUpAsync(SiloClient client, string name, string workflow, LoadBenchOptions options)
    {
        var warmup = await RunAsync(client, Scenario.Parallel(0, 50, 20), workflow, options, silos: null);
        Console.WriteLine($"[{name}] warm-up (50 runs x 20 tasks, not reported): {warmup.Error ?? $"{warmup.Completed} completed in {warmup.ClientWall.TotalSeconds:0.00} s"}");
    }

    /// <summary>Runs the scenario, bounded by <c>--timeout-s</c> and by <paramref name="cancellationToken"/> (either
    /// ends it as timed out).</summary>
    public static async Task<ScenarioResult> RunAsync(
        SiloClient client, Scenario scenario, string workflow, LoadBenchOptions options, SiloProcesses? silos, CancellationToken cancellationToken = default)
    {
        var result = new ScenarioResult { Scenario = scenario };
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellation.CancelAfter(options.Timeout);
        var token = cancellation.Token;
        try
        {
            await client.PutWorkflowAsync(scenario.Definition(workflow), token);
            var body = scenario.StartBody(workflow);
            if (options.Pause > TimeSpan.Zero)
            {
                await Task.Delay(options.Pause, token);
            }

            var runIds = new string?[scenario.Runs];
            var submitLatencies = new double[scenario.Runs];
            var errors = 0;
            string? firstError = null;
            var siloCpuBefore = silos?.CpuTime();
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var machineBefore = SiloProcess.MachineBusyTime();
            var clock = Stopwatch.StartNew();
            await System.Threading.Tasks.Parallel.ForEachAsync(
                Enumerable.Range(0, scenario.Runs),
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = token },
                async (i, ct) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        runIds[i] = await client.StartRunAsync(body, ct);
                        submitLatencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }
                    catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                    {
                        // Refused, or no answer within the HttpClient's timeout: counted, and the other runs go on.
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                });
            result.SubmitTime = clock.Elapsed;
            var ours = runIds.OfType<string>().ToHashSet(StringComparer.Ordinal);
            result.Submitted = ours.Count;
            result.SubmitErrors = errors;
            result.FirstSubmitError = firstError;
            result.SubmitLatencies = [.. runIds.Select((id, i) => (id, i)).Where(x => x.id is not null).Select(x => submitLatencies[x.i]).Order()];

            var finished = new Dictionary<string, RunInfo>(StringComparer.Ordinal);
            while (true)
            {
                var listed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var run in await client.ListRunsAsync(workflow, token))
                {
                    listed.Add(run.RunId);
                    if (run.IsFinished && ours.Contains(run.RunId))
                    {
                        finished[run.RunId] = run;
                    }
                }

                // A listing whose pages leave runs out would never show them finished: those are read one by one, and
                // counted, so that the report says so.
                var missing = ours.Where(id => !listed.Contains(id)).ToList();
                result.MissingFromListing = missing.Count;
                foreach (var runId in missing.Where(id => !finished.ContainsKey(id)))
                {
                    if (await client.GetRunAsync(runId, token) is { IsFinished: true } run)
                    {
                        finished[runId] = run;
                    }
                }

                if (finished.Count >= ours.Count)
                {
                    break;
                }

                await Task.Delay(options.PollInterval, token);
            }

            result.ClientWall = clock.Elapsed;
            result.ClientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
            result.SiloCpu = silos?.CpuTime() is { } after && siloCpuBefore is { } before ? after - before : null;
            result.OtherCpu = SiloProcess.MachineBusyTime() is { } machineAfter && machineBefore is { } machineStart && result.SiloCpu is { } silo
                ? machineAfter - machineStart - silo - result.ClientCpu
                : null;
            Summarize(result, finished.Values, ours.Count);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            result.Error = $"timed out after {options.Timeout.TotalSeconds:0} s";
            await SummarizeAfterTimeoutAsync(client, result, workflow);
        }
        catch (HttpRequestException e)
        {
            result.Error = e.Message;
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            result.Error = $"a request had no answer within {options.Timeout.TotalSeconds:0} s";
        }

        if (silos?.Read() is { } samples)
        {
            result.Memory = SiloProcesses.Sum(samples);
            result.MemoryPerSilo = samples.Count > 1 ? samples : null;
        }

        using var metricsTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        result.MetricsMemory = await client.TryReadMetricsMemoryAsync(metricsTimeout.Token);
        return result;
    }

    private static void Summarize(ScenarioResult result, IEnumerable<RunInfo> finished, int submitted)
    {
        var runs = finished.ToList();
        result.Completed = runs.Count(r => r.Status == "completed");
        result.Failed = runs.Count - result.Completed;
        result.Unfinished = submitted - runs.Count;
        var timed = runs.Where(r => r.FinishedAt is not null).ToList();
        result.RunLatencies = [.. timed.Select(r => (r.FinishedAt!.Value - r.CreatedAt).TotalMilliseconds).Order()];
        if (timed.Count > 0)
        {
            result.ServerSpan = timed.Max(r => r.FinishedAt!.Value) - timed.Min(r => r.CreatedAt);
        }
    }

    private static async Task SummarizeAfterTimeoutAsync(SiloClient client, ScenarioResult result, string workflow)
    {
        try
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var runs = await client.ListRunsAsync(workflow, cancellation.Token);
            Summarize(result, runs.Where(r => r.IsFinished), Math.Max(result.Submitted, runs.Count));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
        }
    }
}
