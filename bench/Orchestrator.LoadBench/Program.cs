using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>Load benchmark over the HTTP API of one or more running silos: many concurrent runs of small DAGs of
/// <c>noop</c> tasks, and one run fanning out to 10,000 tasks. Silos are measured one after the other (never at once,
/// so that they do not share the cores), taking turns scenario by scenario, and the figures are printed side by side.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(LoadBenchOptions.Usage);
            return 0;
        }

        LoadBenchOptions options;
        try
        {
            options = LoadBenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(LoadBenchOptions.Usage);
            return 2;
        }

        List<Scenario> scenarios = [];
        if (options.Scenarios.Contains(1))
        {
            scenarios.Add(Scenario.Parallel(1, options.Scaled(1_000), 20));
        }

        if (options.Scenarios.Contains(2))
        {
            scenarios.Add(Scenario.Parallel(2, options.Scaled(200), 100));
        }

        if (options.Scenarios.Contains(3))
        {
            scenarios.Add(Scenario.ForEach(3, Math.Min(options.Scaled(10_000), 10_000)));
        }

        using var http = SiloClient.CreateHttpClient(options.Concurrency, options.Timeout);
        var clients = options.Targets.Select(t => new SiloClient(http, t)).ToList();
        var tag = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"HTTP load benchmark: {string.Join(", ", options.Targets.Select(t => $"{t.Label} = {t.BaseAddress}"))}");
        Console.WriteLine($"  client: {Environment.ProcessorCount} cores, {options.Concurrency} requests in flight at most, completion polled every {options.PollInterval.TotalMilliseconds:0} ms, {options.Rounds} round(s); workflows loadbench-{tag}-*");

        var columns = new List<Column>();
        var unreachable = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Scenario by scenario, the silos taking turns: on a shared machine, whatever else runs at the time then
            // lands on both sides of a comparison rather than on one.
            var active = new List<(SiloClient Client, Column Column, int? Pid)>();
            foreach (var client in clients)
            {
                var label = client.Target.Label;
                if (unreachable.Contains(label))
                {
                    continue;
                }

                var column = new Column(options.Rounds == 1 ? label : $"{label} #{round}", label, round);
                columns.Add(column);
                using (var healthTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    if (await client.CheckHealthAsync(healthTimeout.Token) is { } unhealthy)
                    {
                        Console.WriteLine($"[{label}] skipped: {unhealthy}");
                        column.Error = unhealthy;
                        unreachable.Add(label);
                        continue;
                    }
                }

                var pid = SiloProcess.FindListener(client.Target.BaseAddress);
                Console.WriteLine($"[{column.Name}] {client.Target.BaseAddress} healthy{(pid is { } p ? $", silo process {p}" : ", silo process not found on this machine (no memory or CPU figures)")}");
                if (options.Warmup && round == 1)
                {
                    var warmup = await ScenarioRunner.RunAsync(client, Scenario.Parallel(0, 50, 20), $"loadbench-{tag}-warmup", options, pid: null);
                    Console.WriteLine($"[{column.Name}] warm-up (50 runs x 20 tasks, not reported): {warmup.Error ?? $"{warmup.Completed} completed in {warmup.ClientWall.TotalSeconds:0.00} s"}");
                }

                active.Add((client, column, pid));
            }

            foreach (var scenario in scenarios)
            {
                foreach (var (client, column, pid) in active)
                {
                    var result = await ScenarioRunner.RunAsync(client, scenario, $"loadbench-{tag}-s{scenario.Number}-r{round}", options, pid);
                    column.Results[scenario.Number] = result;
                    Console.WriteLine($"[{column.Name}] {scenario.Number}) {scenario.Title}: {OneLine(result)}");
                }
            }

            foreach (var (_, column, pid) in active)
            {
                column.PeakMemory = pid is { } id ? SiloProcess.Read(id)?.PeakResidentBytes : null;
            }
        }

        Console.WriteLine();
        PrintTable(scenarios, [.. columns.OrderBy(c => options.Targets.FindIndex(t => t.Label == c.Label)).ThenBy(c => c.Round)]);
        return columns.Any(c => c.Error is not null || c.Results.Values.Any(r => r.Error is not null || r.Unfinished > 0 || r.Failed > 0)) ? 1 : 0;
    }

    private static string OneLine(ScenarioResult r)
    {
        if (r.Error is not null && r.Completed == 0)
        {
            return $"error: {r.Error}";
        }

        var line = $"{r.Completed:N0}/{r.Scenario.Runs:N0} runs completed ({r.Failed} failed, {r.Unfinished} unfinished, {r.SubmitErrors} refused); "
            + $"{r.TasksPerSecond:N0} tasks/s over {r.ServerSpan.TotalSeconds:0.00} s (server), wall {r.ClientWall.TotalSeconds:0.00} s; "
            + $"run created→finished p50 {ScenarioResult.Percentile(r.RunLatencies, 50):N0} ms, p99 {ScenarioResult.Percentile(r.RunLatencies, 99):N0} ms; "
            + $"submit {r.SubmitRate:N0} runs/s, p50 {ScenarioResult.Percentile(r.SubmitLatencies, 50):0.0} ms, p99 {ScenarioResult.Percentile(r.SubmitLatencies, 99):0.0} ms"
            + $"; CPU s: silo {Seconds(r.SiloCpu)}, client {r.ClientCpu.TotalSeconds:0.0}, other processes {Seconds(r.OtherCpu)}"
            + (r.Memory is { } m ? $"; silo RSS {Mib(m.ResidentBytes)} MiB" : "");
        if (r.Error is not null)
        {
            line += $"; error: {r.Error}";
        }

        if (r.FirstSubmitError is not null)
        {
            line += $"; first refusal: {r.FirstSubmitError}";
        }

        return line;
    }

    private static void PrintTable(List<Scenario> scenarios, List<Column> columns)
    {
        var rows = new List<string[]>();
        void Row(string figure, Func<ScenarioResult, string>? cell, int scenario)
        {
            rows.Add([figure, .. columns.Select(c =>
                c.Error is not null ? "unreachable"
                : !c.Results.TryGetValue(scenario, out var r) ? "–"
                : r.Error is not null && r.Completed == 0 ? "error"
                : cell!(r))]);
        }

        foreach (var scenario in scenarios)
        {
            rows.Add([$"**{scenario.Number}) {scenario.Title}**", .. columns.Select(_ => "")]);
            if (!scenario.FanOut)
            {
                Row("tasks/s end to end (first created → last finished)", r => $"{r.TasksPerSecond:N0}", scenario.Number);
                Row("run latency created → finished p50 / p99 (ms)",
                    r => $"{ScenarioResult.Percentile(r.RunLatencies, 50):N0} / {ScenarioResult.Percentile(r.RunLatencies, 99):N0}", scenario.Number);
                Row("submit rate (runs/s)", r => $"{r.SubmitRate:N0}", scenario.Number);
                Row("submit latency p50 / p99 (ms)",
                    r => $"{ScenarioResult.Percentile(r.SubmitLatencies, 50):0.0} / {ScenarioResult.Percentile(r.SubmitLatencies, 99):0.0}", scenario.Number);
                Row("wall time, client, incl. polling (s)", r => $"{r.ClientWall.TotalSeconds:0.00}", scenario.Number);
                Row("runs completed / failed / unfinished", r => $"{r.Completed} / {r.Failed} / {r.Unfinished}", scenario.Number);
            }
            else
            {
                Row("tasks/s (created → finished)", r => $"{r.TasksPerSecond:N0}", scenario.Number);
                Row("total time created → finished (s)", r => $"{r.ServerSpan.TotalSeconds:0.00}", scenario.Number);
                Row("wall time, client, incl. submit and polling (s)", r => $"{r.ClientWall.TotalSeconds:0.00}", scenario.Number);
                Row("run", r => r.Completed == 1 ? "completed" : r.Failed == 1 ? "failed" : "unfinished", scenario.Number);
            }

            Row("CPU seconds: silo / client / other processes", r => $"{Seconds(r.SiloCpu)} / {r.ClientCpu.TotalSeconds:0.0} / {Seconds(r.OtherCpu)}",
                scenario.Number);
            if (columns.Any(c => c.Results.TryGetValue(scenario.Number, out var r) && (r.Memory is not null || r.MetricsMemory is not null)))
            {
                Row("silo memory after (MiB)", r => r.Memory is { } m ? $"{Mib(m.ResidentBytes)} RSS" : r.MetricsMemory is { } b ? $"{Mib(b)} WS" : "–",
                    scenario.Number);
            }
        }

        if (columns.Any(c => c.PeakMemory is not null))
        {
            rows.Add(["silo peak RSS since its start (MiB)", .. columns.Select(c => c.PeakMemory is { } b ? Mib(b).ToString(CultureInfo.InvariantCulture) : "–")]);
        }

        string[] header = ["figure", .. columns.Select(c => c.Name)];
        var widths = Enumerable.Range(0, header.Length).Select(i => Math.Max(header[i].Length, rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) =>
            "| " + string.Join(" | ", cells.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))) + " |";
        Console.WriteLine(Line(header));
        Console.WriteLine("| " + string.Join(" | ", widths.Select((w, i) => i == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var row in rows)
        {
            Console.WriteLine(Line(row));
        }

        foreach (var column in columns)
        {
            if (column.Error is not null)
            {
                Console.WriteLine($"{column.Name}: {column.Error}");
            }

            foreach (var result in column.Results.Values.Where(r => r.Error is not null || r.FirstSubmitError is not null))
            {
                Console.WriteLine($"{column.Name}, scenario {result.Scenario.Number}: {result.Error ?? result.FirstSubmitError}");
            }
        }
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private static string Seconds(TimeSpan? time) => time is { } t ? Math.Max(0, t.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture) : "?";

    /// <summary>One column of the report: a silo in one round.</summary>
    private sealed class Column(string name, string label, int round)
    {
        public string Name { get; } = name;

        public string Label { get; } = label;

        public int Round { get; } = round;

        public string? Error { get; set; }

        public Dictionary<int, ScenarioResult> Results { get; } = [];

        public long? PeakMemory { get; set; }
    }
}
