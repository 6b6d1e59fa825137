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

    public int Failed { get; set; }

    public int Unfinished { get; set; }

    /// <summary>Server-side <c>createdAt → finishedAt</c> of each finished run, ms, sorted.</summary>
    public double[] RunLatencies { get; set; } = [];

    /// <summary>From the first run's <c>createdAt</c> to the last run's <c>finishedAt</c> (server clock).</summary>
    public TimeSpan ServerSpan { get; set; }

    /// <summary>From the first submit to the poll that saw every run finished (client clock; includes polling delay).</summary>
    public TimeSpan ClientWall { get; set; }

    public SiloProcess.Sample? Memory { get; set; }

    /// <summary>CPU time the silo process used from the first submit to the end (null when it is not on this machine).</summary>
    public TimeSpan? SiloCpu { get; set; }

    /// <summary>CPU time this benchmark process used over the same stretch (all its threads).</summary>
    public TimeSpan ClientCpu { get; set; }

    /// <summary>CPU time the rest of the machine used over the same stretch (busy time of all cores, less the silo's and
    /// the client's): other silos, builds, anything that competed for the cores. Null when unknown.</summary>
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
    public static async Task<ScenarioResult> RunAsync(SiloClient client, Scenario scenario, string workflow, LoadBenchOptions options, int? pid)
    {
        var result = new ScenarioResult { Scenario = scenario };
        using var cancellation = new CancellationTokenSource(options.Timeout);
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
            var siloCpuBefore = pid is { } p ? SiloProcess.CpuTime(p) : null;
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
                foreach (var run in await client.ListRunsAsync(workflow, token))
                {
                    if (run.IsFinished && ours.Contains(run.RunId))
                    {
                        finished[run.RunId] = run;
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
            result.SiloCpu = pid is { } q && SiloProcess.CpuTime(q) is { } after && siloCpuBefore is { } before ? after - before : null;
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

        if (pid is { } id)
        {
            result.Memory = SiloProcess.Read(id);
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
