using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.LoadBench;

/// <summary>The performance targets (<c>--targets</c>), measured against one silo in one invocation, each figure printed
/// as <c>target &lt;name&gt; &lt;value&gt; (&lt;reference or target&gt;)</c> as it is measured and again in a summary
/// at the end: 1 the raw SQLite commit rate on this disk (the reference), 2 a closed loop of runs of 20 <c>noop</c>
/// tasks, 3 the same at half that rate open loop (latencies), 4 fan-outs against as many tasks as runs, 5 runs accepted
/// per second, 6 the memory of runs waiting on a delay. Each item is bounded by <c>--timeout-s</c>; one that runs out
/// is reported and the next goes on.</summary>
internal sealed class TargetSuite(LoadBenchOptions options, SiloClient client, SiloProcesses? silos, string tag)
{
    /// <summary>The histogram of the silo's dispatch latency (ready → running), in seconds.</summary>
    private const string DispatchHistogram = "orchestrator_node_dispatch_latency_seconds";

    private const int TasksPerRun = 20;

    /// <summary>How long the memory item lets the silo settle before each reading.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    /// <summary>How long the memory item waits at most for the silo to collect idle runs (it collects a run idle for two
    /// minutes, looking once a minute).</summary>
    private static readonly TimeSpan CollectionWait = TimeSpan.FromMinutes(4);

    private readonly List<string> _lines = [];
    private readonly List<string> _problems = [];
    private double? _commitsPerSecond;
    private double? _closedLoopRunsPerSecond;

    public async Task<int> RunAsync()
    {
        var label = client.Target.Label;
        Console.WriteLine($"Performance targets against {client.Target.Describe()} ({LoadReport.Describe(silos, client.Target)}); "
            + $"client: {Environment.ProcessorCount} cores, {options.Concurrency} clients; scale {options.Scale.ToString(CultureInfo.InvariantCulture)}"
            + (options.Scale == 1 ? "" : " (run counts scaled: not the targets' load)")
            + $"; each item bounded by {options.Timeout.TotalSeconds:0} s; MB = 10^6 bytes; workflows loadbench-{tag}-t*");

        if (options.Items.Contains(1))
        {
            await ItemAsync("1 raw commit reference", _ => MeasureCommitRateAsync());
        }

        if (options.Warmup)
        {
            await ItemAsync("warm-up", async token =>
            {
                await ScenarioRunner.WarmUpAsync(client, label, $"loadbench-{tag}-warmup", options);
                if (options.WarmupRuns > 0)
                {
                    await WarmUpClosedLoopAsync(token);
                }
            });
        }

        (int Number, string Name, Func<CancellationToken, Task> Measure)[] items =
        [
            (2, "2 closed loop", ClosedLoopAsync),
            (3, "3 half load", HalfLoadAsync),
            (4, "4 fan-out", FanOutAsync),
            (5, "5 accepted/s", AcceptedAsync),
            (6, "6 memory of waiting runs", MemoryAsync),
        ];
        foreach (var (number, name, measure) in items.Where(item => options.Items.Contains(item.Number)))
        {
            // The memory item also waits, twice, for idle runs to be collected.
            await ItemAsync(name, measure, number == 6 ? 2 * CollectionWait : TimeSpan.Zero);
        }

        Console.WriteLine();
        Console.WriteLine("Summary:");
        _lines.ForEach(Console.WriteLine);
        _problems.ForEach(problem => Console.WriteLine($"problem: {problem}"));
        return _problems.Count == 0 ? 0 : 1;
    }

    /// <summary>Runs one item under its own timeout; a timeout or a failed request is reported, and the suite goes on.</summary>
    private async Task ItemAsync(string name, Func<CancellationToken, Task> item, TimeSpan extra = default)
    {
        Console.WriteLine();
        Console.WriteLine($"== {name}");
        using var cancellation = new CancellationTokenSource(options.Timeout + extra);
        var clock = Stopwatch.StartNew();
        try
        {
            await item(cancellation.Token);
            Console.WriteLine($"   ({name}: {clock.Elapsed.TotalSeconds:0.0} s)");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Problem($"{name}: timed out after {options.Timeout.TotalSeconds:0} s (a finding: the item did not finish in time)");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException
            or Microsoft.Data.Sqlite.SqliteException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Problem($"{name}: {e.GetType().Name}: {e.Message}");
        }
    }

    // 1 ---------------------------------------------------------------------------------------------------------------

    private Task MeasureCommitRateAsync()
    {
        var result = SqliteCommitProbe.Measure(options.CommitDirectory, TimeSpan.FromSeconds(3));
        _commitsPerSecond = result.CommitsPerSecond;
        Target("raw-commit-rate", $"{result.CommitsPerSecond:N0} commits/s",
            $"reference for item 2: SQLite WAL, synchronous=FULL, one connection, one row per autocommit transaction, {result.Commits:N0} commits in "
            + $"{result.Elapsed.TotalSeconds:0.0} s in {Path.GetDirectoryName(result.Path)}; commit p50 {Percentile(result.Latencies, 50):0.000} ms, p99 {Percentile(result.Latencies, 99):0.000} ms");
        return Task.CompletedTask;
    }

    /// <summary>A closed loop like item 2's, not reported: a fresh silo runs its first thousands of requests on code the
    /// runtime has not yet compiled optimized (tiered compilation), which would make item 2 measure the compiler.</summary>
    private async Task WarmUpClosedLoopAsync(CancellationToken token)
    {
        var scenario = Scenario.Parallel(0, options.WarmupRuns, TasksPerRun);
        var workflow = $"loadbench-{tag}-warmup-loop";
        await client.PutWorkflowAsync(scenario.Definition(workflow), token);
        var body = scenario.StartBody(workflow);
        var cpuBefore = CpuReading.Now(silos);
        var loop = await ClosedLoop.RunAsync(scenario.Runs, options.Concurrency, (_, ct) => client.StartRunAndWaitAsync(body, ct), token);
        Console.WriteLine($"   warm-up closed loop (not reported): {scenario.Runs:N0} runs in {loop.Wall.TotalSeconds:0.00} s, "
            + $"{loop.Errors} requests failed; {cpuBefore.DescribeUntil(CpuReading.Now(silos))}");
    }

    // 2 ---------------------------------------------------------------------------------------------------------------

    private async Task ClosedLoopAsync(CancellationToken token)
    {
        var scenario = Scenario.Parallel(2, options.Scaled(5_000), TasksPerRun);
        var workflow = $"loadbench-{tag}-t2";
        await client.PutWorkflowAsync(scenario.Definition(workflow), token);
        var body = scenario.StartBody(workflow);
        await PauseAsync(token);

        var runs = new RunInfo?[scenario.Runs];
        var dispatchBefore = await ReadDispatchAsync(token);
        var cpuBefore = CpuReading.Now(silos);
        var loop = await ClosedLoop.RunAsync(scenario.Runs, options.Concurrency,
            async (i, ct) => runs[i] = await client.StartRunAndWaitAsync(body, ct), token);
        var cpu = cpuBefore.DescribeUntil(CpuReading.Now(silos));
        var dispatch = (await ReadDispatchAsync(token)).Minus(dispatchBefore);

        var answered = runs.OfType<RunInfo>().ToList();
        var completed = answered.Count(r => r.Status == "completed");
        var unfinished = answered.Count(r => !r.IsFinished);
        var wall = loop.Wall.TotalSeconds;
        var tasksPerSecond = completed * TasksPerRun / wall;
        _closedLoopRunsPerSecond = completed / wall;
        var runLatencies = RunLatencies(answered);
        Console.WriteLine($"   {completed:N0}/{scenario.Runs:N0} runs completed ({answered.Count - completed - unfinished} failed or cancelled, {unfinished} answered unfinished, "
            + $"{loop.Errors} requests failed{FirstError(loop)}) in {wall:0.00} s; {cpu}");

        Target("closed-loop-tasks/s", $"{tasksPerSecond:N0}",
            $"target >= 40,000: {Verdict(tasksPerSecond >= 40_000)}; {TasksPerRun} x {completed:N0} completed runs / {wall:0.00} s from the first request to the last answer, {options.Concurrency} clients");
        Target("closed-loop-runs/s", $"{_closedLoopRunsPerSecond:N0}", "reference: half of it is item 3's rate");
        Target("closed-loop-run-latency", $"p50 {Percentile(runLatencies, 50):0.0} ms, p99 {Percentile(runLatencies, 99):0.0} ms",
            "reference: server createdAt -> finishedAt under the closed loop");
        Target("closed-loop-request-latency", $"p50 {Percentile(loop.Latencies, 50):0.0} ms, p99 {Percentile(loop.Latencies, 99):0.0} ms",
            "reference: client, POST /api/runs?wait=true to its answer");
        if (_commitsPerSecond is { } commits and > 0)
        {
            var ratio = tasksPerSecond / commits;
            Target("closed-loop-vs-raw-commits", $"{ratio:0.0}x",
                $"target >= 12x: {Verdict(ratio >= 12)}; {tasksPerSecond:N0} tasks/s / {commits:N0} raw commits/s");
        }
        else
        {
            Target("closed-loop-vs-raw-commits", "?", "target >= 12x: no raw commit rate (item 1 failed)");
        }

        Target("closed-loop-dispatch-latency", dispatch.DescribeMilliseconds(), $"reference: ready -> running from {DispatchHistogram} over the closed loop");
        if (unfinished > 0 || loop.Errors > 0 || completed < scenario.Runs)
        {
            Problem($"2 closed loop: {scenario.Runs - completed} of {scenario.Runs} runs did not complete within their request");
        }
    }

    // 3 ---------------------------------------------------------------------------------------------------------------

    private async Task HalfLoadAsync(CancellationToken token)
    {
        if ((options.HalfRate ?? _closedLoopRunsPerSecond / 2) is not { } rate || rate <= 0)
        {
            Problem("3 half load: no rate (item 2 gave no runs/s; give --half-rate N)");
            return;
        }

        var runs = Math.Max(options.Scaled(500), (int)Math.Round(rate * 10 * options.Scale));
        var scenario = Scenario.Parallel(3, runs, TasksPerRun);
        var workflow = $"loadbench-{tag}-t3";
        await client.PutWorkflowAsync(scenario.Definition(workflow), token);
        var body = scenario.StartBody(workflow);
        await PauseAsync(token);

        var ids = new string?[runs];
        var latencies = new double[runs];
        var errors = 0;
        string? firstError = null;
        var dispatchBefore = await ReadDispatchAsync(token);
        var cpuBefore = CpuReading.Now(silos);
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>(runs);
        var sent = 0;
        while (sent < runs)
        {
            // Open loop: run i is sent at i / rate seconds, whatever the answers before it.
            var due = Math.Min(runs, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var i = sent;
                requests.Add(Task.Run(
                    async () =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            ids[i] = await client.StartRunAsync(body, token);
                            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        }
                        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, e.Message, null);
                        }
                    },
                    token));
            }

            if (sent < runs)
            {
                var next = TimeSpan.FromSeconds(sent / rate) - clock.Elapsed;
                await Task.Delay(next > TimeSpan.FromMilliseconds(1) ? next : TimeSpan.FromMilliseconds(1), token);
            }
        }

        var sendTime = clock.Elapsed;
        await Task.WhenAll(requests);
        var ours = ids.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var finished = await WaitForRunsAsync(workflow, ours, options.PollInterval, token);
        var cpu = cpuBefore.DescribeUntil(CpuReading.Now(silos));
        var dispatch = (await ReadDispatchAsync(token)).Minus(dispatchBefore);
        var completed = finished.Values.Count(r => r.Status == "completed");
        var runLatencies = RunLatencies(finished.Values);
        var submitLatencies = ids.Select((id, i) => (id, i)).Where(x => x.id is not null).Select(x => latencies[x.i]).Order().ToArray();
        Console.WriteLine($"   {runs:N0} runs sent at {rate:N0} runs/s{(options.HalfRate is null ? " (half of item 2)" : " (--half-rate)")} over {sendTime.TotalSeconds:0.00} s "
            + $"(achieved {runs / sendTime.TotalSeconds:N0} runs/s); {completed:N0} completed, {errors} refused{(firstError is null ? "" : $" (first: {firstError})")}; "
            + $"POST p50 {Percentile(submitLatencies, 50):0.0} ms, p99 {Percentile(submitLatencies, 99):0.0} ms; {cpu} (until all finished)");

        var p99 = Percentile(runLatencies, 99);
        Target("half-load-run-latency", $"p50 {Percentile(runLatencies, 50):0.0} ms, p99 {p99:0.0} ms",
            $"target p99 <= 25 ms: {Verdict(p99 <= 25)}; server createdAt -> finishedAt, {completed:N0} runs x {TasksPerRun} tasks open loop at {rate:N0} runs/s");
        var dispatchP50 = dispatch.Quantile(0.5)?.Value;
        var dispatchP99 = dispatch.Quantile(0.99)?.Value;
        Target("half-load-dispatch-latency", dispatch.DescribeMilliseconds(),
            $"targets p50 <= 1 ms: {Verdict(dispatchP50 <= 0.001)}, p99 <= 5 ms: {Verdict(dispatchP99 <= 0.005)}; ready -> running from {DispatchHistogram}, interpolated within the bucket");
        if (completed < runs)
        {
            Problem($"3 half load: {runs - completed} of {runs} runs did not complete");
        }
    }

    // 4 ---------------------------------------------------------------------------------------------------------------

    private async Task FanOutAsync(CancellationToken token)
    {
        var costs = new List<string>();
        foreach (var nominal in new[] { 1_000, 10_000, 100_000 })
        {
            var width = options.Scaled(nominal);
            var runs = Math.Max(1, width / TasksPerRun);
            var name = Kilo(width);
            var many = await ScenarioRunner.RunAsync(client, Scenario.Parallel(4, runs, TasksPerRun), $"loadbench-{tag}-t4-runs-{name}", options, silos, token);
            token.ThrowIfCancellationRequested();
            Console.WriteLine($"   {runs:N0} runs x {TasksPerRun}: {LoadReport.OneLine(many)}");
            var fan = await ScenarioRunner.RunAsync(client, Scenario.ForEach(4, width), $"loadbench-{tag}-t4-fan-{name}", options, silos, token);
            token.ThrowIfCancellationRequested();
            Console.WriteLine($"   forEach over {width:N0}: {LoadReport.OneLine(fan)}");
            foreach (var (what, result, workflow) in new[] { ($"fan-out over {width:N0}", fan, $"loadbench-{tag}-t4-fan-{name}"), ($"{runs:N0} runs x {TasksPerRun}", many, $"loadbench-{tag}-t4-runs-{name}") })
            {
                if (result.Error is not null || result.Completed < result.Scenario.Runs)
                {
                    Problem($"4 {what}: {result.Error ?? $"{result.Scenario.Runs - result.Completed} of {result.Scenario.Runs} runs did not complete"}"
                        + (result.Failed > 0 ? $"; first failed run's error: {await FirstRunErrorAsync(workflow, token)}" : ""));
                }
            }

            var ratio = many.TasksPerSecond > 0 ? fan.TasksPerSecond / many.TasksPerSecond : double.NaN;
            Target($"fan-out-{name}-tasks/s", $"{fan.TasksPerSecond:N0}",
                $"{runs:N0} runs x {TasksPerRun} (same {width:N0} tasks): {many.TasksPerSecond:N0} tasks/s; fan-out / many runs {ratio * 100:0} %, target >= 80 %: {Verdict(ratio >= 0.8)}");
            var cost = $"silo CPU {PerTask(fan.SiloCpu, fan)} µs/task, wall {PerTask(fan.ServerSpan, fan)} µs/task";
            Target($"fan-out-{name}-cost", cost,
                $"reference: per task of the fan-out (wall: first created -> last finished); as {runs:N0} runs: silo CPU {PerTask(many.SiloCpu, many)} µs/task, wall {PerTask(many.ServerSpan, many)} µs/task");
            costs.Add($"{name} {cost}");
        }

        Target("fan-out-cost-per-task", string.Join("; ", costs), "reference: flat if the cost per task does not grow with the width");
    }

    // 5 ---------------------------------------------------------------------------------------------------------------

    private async Task AcceptedAsync(CancellationToken token)
    {
        var count = options.Scaled(20_000);
        var workflow = $"loadbench-{tag}-t5";
        var ids = new string?[count];
        try
        {
            await client.PutWorkflowAsync(DelayDefinition(workflow), token);
            var body = DelayStartBody(workflow);
            await PauseAsync(token);
            var cpuBefore = CpuReading.Now(silos);
            var loop = await ClosedLoop.RunAsync(count, options.Concurrency, async (i, ct) => ids[i] = await client.StartRunAsync(body, ct), token);
            Console.WriteLine($"   {cpuBefore.DescribeUntil(CpuReading.Now(silos))}");
            var accepted = ids.Count(id => id is not null);
            var rate = accepted / loop.Wall.TotalSeconds;
            Target("accepted/s", $"{rate:N0}",
                $"target >= 10,000: {Verdict(rate >= 10_000)}; {accepted:N0} runs of a 1 h delay accepted in {loop.Wall.TotalSeconds:0.00} s by {options.Concurrency} clients, "
                + $"{loop.Errors} refused{FirstError(loop)}");
            Target("accepted-request-latency", $"p50 {Percentile(loop.Latencies, 50):0.0} ms, p99 {Percentile(loop.Latencies, 99):0.0} ms", "reference: client, POST /api/runs to 202");
        }
        finally
        {
            // The silo is left clean: every run this item started is cancelled, even after a timeout.
            await CancelAllAsync("5", workflow, ids.OfType<string>().ToList(), token);
        }
    }

    // 6 ---------------------------------------------------------------------------------------------------------------

    private async Task MemoryAsync(CancellationToken token)
    {
        var count = options.Scaled(10_000);
        var workflow = $"loadbench-{tag}-t6";
        var ids = new string?[count];
        try
        {
            await client.PutWorkflowAsync(DelayDefinition(workflow), token);
            var body = DelayStartBody(workflow);
            await UntilRunsCollectedAsync(0, token);
            var idle = await ReadMemoryAsync("idle before", token);

            var loop = await ClosedLoop.RunAsync(count, options.Concurrency, async (i, ct) => ids[i] = await client.StartRunAsync(body, ct), token);
            var started = ids.Count(id => id is not null);
            Console.WriteLine($"   {started:N0} runs of a 1 h delay started in {loop.Wall.TotalSeconds:0.00} s ({loop.Errors} refused{FirstError(loop)}); waiting {Settle.TotalSeconds:0} s …");
            await Task.Delay(Settle, token);
            var settled = await ReadMemoryAsync($"{started:N0} runs waiting, after {Settle.TotalSeconds:0} s", token);

            // The steady state of runs waiting an hour: those that hold nothing in flight are collected once idle.
            var idled = await UntilRunsCollectedAsync(idle.Grains?.OfType("run") ?? 0, token);
            var waiting = await ReadMemoryAsync($"{started:N0} runs still waiting, after {idled.TotalSeconds + Settle.TotalSeconds:0} s", token);

            await CancelAllAsync("6", workflow, ids.OfType<string>().ToList(), token);
            ids = [];
            var collected = await UntilRunsCollectedAsync(idle.Grains?.OfType("run") ?? 0, token);
            var after = await ReadMemoryAsync($"runs cancelled, after {collected.TotalSeconds:0} s", token);

            if (idle.Rss is { } before && waiting.Rss is { } during && after.Rss is { } end)
            {
                var added = (during - before) / 1e6;
                var addedSettled = ((settled.Rss ?? during) - before) / 1e6;
                var left = (end - before) / 1e6;
                Target("waiting-runs-rss", $"{added:+0.0;-0.0} MB",
                    $"target <= 60 MB: {Verdict(added <= 60)}; silo RSS {Mb(before)} MB idle -> {Mb(during)} MB with {started:N0} runs waiting {idled.TotalSeconds + Settle.TotalSeconds:0} s "
                    + $"({added * 1e6 / Math.Max(1, started) / 1e3:0.0} kB per run; {addedSettled:+0.0;-0.0} MB after {Settle.TotalSeconds:0} s, before idle runs were collected)");
                Target("finished-runs-rss", $"{left:+0.0;-0.0} MB",
                    $"target <= 20 MB: {Verdict(left <= 20)}; silo RSS {Mb(end)} MB {collected.TotalSeconds:0} s after all were cancelled, against {Mb(before)} MB idle before");
            }
            else
            {
                Problem("6 memory: the silo's RSS could not be read (is the silo on this machine, listening on the --url port?)");
            }

            Target("waiting-runs-activations", $"{Activations(idle)} idle -> {Activations(settled)} waiting {Settle.TotalSeconds:0} s -> {Activations(waiting)} still waiting -> {Activations(after)} after",
                $"reference: the silo's activations in all (of grain types named *run*) from GET /api/grains; idle runs that deactivate leave the count");
        }
        finally
        {
            await CancelAllAsync("6", workflow, ids.OfType<string>().ToList(), token);
        }
    }

    /// <summary>Waits until the silo holds at most <paramref name="atMost"/> run activations (idle runs collected), then
    /// <see cref="Settle"/> more; at most <see cref="CollectionWait"/>. Returns how long it waited.</summary>
    private async Task<TimeSpan> UntilRunsCollectedAsync(int atMost, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"   waiting until at most {atMost:N0} runs are activated (idle runs collected), at most {CollectionWait.TotalMinutes:0} min …");
        while (clock.Elapsed < CollectionWait && (await client.ReadGrainsAsync(token)).OfType("run") > atMost)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), token);
        }

        await Task.Delay(Settle, token);
        return clock.Elapsed;
    }

    /// <summary>CPU time of the silo, of this process and of the whole machine at one moment, so that a stretch's figures
    /// show what else competed for the cores.</summary>
    private sealed record CpuReading(TimeSpan? Silo, TimeSpan Client, TimeSpan? Machine)
    {
        public static CpuReading Now(SiloProcesses? silos) =>
            new(silos?.CpuTime(), Process.GetCurrentProcess().TotalProcessorTime, SiloProcess.MachineBusyTime());

        /// <summary><c>silo a s, client b s, other processes c s</c> from this reading to <paramref name="end"/>.</summary>
        public string DescribeUntil(CpuReading end)
        {
            var silo = end.Silo - Silo;
            var client = end.Client - Client;
            var other = end.Machine - Machine - silo - client;
            return $"CPU s: silo {Seconds(silo)}, client {client.TotalSeconds:0.0}, other processes {Seconds(other is { } o && o < TimeSpan.Zero ? TimeSpan.Zero : other)}";
        }
    }

    private static string Activations(MemoryReading reading) => reading.Grains is { } g
        ? $"{g.Activations:N0} ({g.OfTypesContaining("run"):N0})"
        : "?";

    private async Task<MemoryReading> ReadMemoryAsync(string when, CancellationToken token)
    {
        var rss = silos?.Read() is { } samples ? SiloProcesses.Sum(samples).ResidentBytes : (long?)null;
        GrainCounts? grains = null;
        try
        {
            grains = await client.ReadGrainsAsync(token);
        }
        catch (HttpRequestException e)
        {
            Console.WriteLine($"   GET /api/grains failed: {e.Message}");
        }

        var reading = new MemoryReading(rss, grains);
        Console.WriteLine($"   {when}: silo RSS {(rss is { } r ? Mb(r) : "?")} MB; {reading.Describe()}");
        return reading;
    }

    /// <summary>The silo's RSS and activations at one moment.</summary>
    private sealed record MemoryReading(long? Rss, GrainCounts? Grains)
    {
        public string Describe() => Grains is { } g
            ? $"activations {g.Activations:N0} (run types: {g.DescribeTypesContaining("run")})"
            : "activations ?";
    }

    // Shared ----------------------------------------------------------------------------------------------------------

    /// <summary>Cancels runs (<c>POST /api/runs/{id}/cancel</c>, <c>--concurrency</c> at a time) and waits until the
    /// listing shows each finished; after a timeout of the item, with a bounded time of its own.</summary>
    private async Task CancelAllAsync(string item, string workflow, List<string> ids, CancellationToken token)
    {
        if (ids.Count == 0)
        {
            return;
        }

        using var fallback = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = token.IsCancellationRequested ? fallback.Token : token;
        try
        {
            var loop = await ClosedLoop.RunAsync(ids.Count, options.Concurrency, (i, c) => client.CancelRunAsync(ids[i], c), ct);
            var clock = Stopwatch.StartNew();
            var finished = await WaitForRunsAsync(workflow, ids.ToHashSet(StringComparer.Ordinal), TimeSpan.FromSeconds(1), ct);
            var cancelled = finished.Values.Count(r => r.Status == "cancelled");
            Console.WriteLine($"   cancelled {ids.Count:N0} runs in {loop.Wall.TotalSeconds:0.00} s ({ids.Count / loop.Wall.TotalSeconds:N0}/s, {loop.Errors} requests failed{FirstError(loop)}); "
                + $"all listed finished {clock.Elapsed.TotalSeconds:0.00} s later ({cancelled:N0} cancelled)");
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            Problem($"{item}: cancelling its {ids.Count:N0} runs failed: {e.Message}; the silo may be left with waiting runs of {workflow}");
        }
    }

    /// <summary>Polls <c>GET /api/runs?workflow=</c> until every run of <paramref name="ids"/> has finished (runs the
    /// listing leaves out are read one by one), as <see cref="ScenarioRunner"/> does.</summary>
    private async Task<Dictionary<string, RunInfo>> WaitForRunsAsync(string workflow, HashSet<string> ids, TimeSpan poll, CancellationToken token)
    {
        var finished = new Dictionary<string, RunInfo>(StringComparer.Ordinal);
        while (true)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in await client.ListRunsAsync(workflow, token))
            {
                listed.Add(run.RunId);
                if (run.IsFinished && ids.Contains(run.RunId))
                {
                    finished[run.RunId] = run;
                }
            }

            foreach (var runId in ids.Where(id => !listed.Contains(id) && !finished.ContainsKey(id)).ToList())
            {
                if (await client.GetRunAsync(runId, token) is { IsFinished: true } run)
                {
                    finished[runId] = run;
                }
            }

            if (finished.Count >= ids.Count)
            {
                return finished;
            }

            await Task.Delay(poll, token);
        }
    }

    /// <summary>The error of the first failed run of a workflow, for the report.</summary>
    private async Task<string> FirstRunErrorAsync(string workflow, CancellationToken token)
    {
        var failed = (await client.ListRunsAsync(workflow, token)).FirstOrDefault(r => r.Status == "failed");
        return failed is null ? "(none listed as failed)" : await client.GetRunErrorAsync(failed.RunId, token) ?? "(no error given)";
    }

    private async Task<PrometheusHistogram> ReadDispatchAsync(CancellationToken token) =>
        PrometheusHistogram.Parse(await client.ReadMetricsAsync(token), DispatchHistogram);

    private Task PauseAsync(CancellationToken token) => options.Pause > TimeSpan.Zero ? Task.Delay(options.Pause, token) : Task.CompletedTask;

    private static string DelayDefinition(string name) => new JsonObject
    {
        ["name"] = name,
        ["description"] = "load benchmark: one run waiting an hour",
        ["nodes"] = new JsonObject { ["wait"] = new JsonObject { ["type"] = "delay", ["duration"] = "1h" } },
    }.ToJsonString();

    private static byte[] DelayStartBody(string name) => Encoding.UTF8.GetBytes(new JsonObject { ["workflow"] = name }.ToJsonString());

    private static double[] RunLatencies(IEnumerable<RunInfo> runs) =>
        [.. runs.Where(r => r.FinishedAt is not null).Select(r => (r.FinishedAt!.Value - r.CreatedAt).TotalMilliseconds).Order()];

    private void Target(string name, string value, string reference)
    {
        var line = $"target {name} {value} ({reference})";
        _lines.Add(line);
        Console.WriteLine(line);
    }

    private void Problem(string problem)
    {
        _problems.Add(problem);
        Console.WriteLine($"   problem: {problem}");
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static double Percentile(double[] sorted, double percentile) => ScenarioResult.Percentile(sorted, percentile);

    private static string FirstError(ClosedLoop loop) => loop.FirstError is null ? "" : $"; first: {loop.FirstError}";

    private static string Seconds(TimeSpan? time) => time is { } t ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "?";

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Kilo(int n) => n % 1000 == 0 ? $"{n / 1000}k" : n.ToString(CultureInfo.InvariantCulture);

    private static string PerTask(TimeSpan? time, ScenarioResult result) =>
        time is { } t && result.Completed > 0
            ? (t.TotalMilliseconds * 1000 / (result.Completed * result.Scenario.TasksPerRun)).ToString("0.0", CultureInfo.InvariantCulture)
            : "?";
}

/// <summary>A closed loop: <c>clients</c> callers, each making the next request once its last one answered, until
/// <c>count</c> requests are made; the time from the first request to the last answer, and each answered request's
/// latency (ms, sorted).</summary>
internal sealed record ClosedLoop(TimeSpan Wall, double[] Latencies, int Errors, string? FirstError)
{
    public static async Task<ClosedLoop> RunAsync(int count, int clients, Func<int, CancellationToken, Task> request, CancellationToken token)
    {
        var latencies = new double[count];
        var answered = new bool[count];
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, count)).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await request(i, token);
                        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        answered[i] = true;
                    }
                    catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                }
            },
            token)));
        var wall = clock.Elapsed;
        return new ClosedLoop(wall, [.. latencies.Where((_, i) => answered[i]).Order()], errors, firstError);
    }
}
