using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>What the benchmark prints: one line per scenario as it ends, and the table of every column side by side at
/// the end. A column is one target (a silo, or a cluster's silos under one label) in one round.</summary>
internal static class LoadReport
{
    /// <summary>How a target's processes were found, for the line that says it is healthy.</summary>
    public static string Describe(SiloProcesses? silos, Target target) =>
        silos is not null ? silos.ToString()
        : target.BaseAddresses.Count == 1 ? "silo process not found on this machine (no memory or CPU figures)"
        : "not every silo process found on this machine (no memory or CPU figures)";

    /// <summary>True when a column was unreachable, or a scenario ended in an error or with runs that did not complete.</summary>
    public static bool AnyProblem(IEnumerable<Column> columns) =>
        columns.Any(c => c.Error is not null || c.Results.Values.Any(r => r.Error is not null || r.Unfinished > 0 || r.Failed > 0));

    public static string OneLine(ScenarioResult r)
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
            + (r.MemoryPerSilo is { } each ? $"; silos' RSS {Mib(r.Memory!.Value.ResidentBytes)} MiB ({string.Join(" + ", each.Select(s => Mib(s.ResidentBytes)))})"
                : r.Memory is { } m ? $"; silo RSS {Mib(m.ResidentBytes)} MiB" : "");
        if (r.Error is not null)
        {
            line += $"; error: {r.Error}";
        }

        if (r.FirstSubmitError is not null)
        {
            line += $"; first refusal: {r.FirstSubmitError}";
        }

        if (r.MissingFromListing > 0)
        {
            line += $"; {r.MissingFromListing} runs missing from GET /api/runs?workflow= (read one by one)";
        }

        return line;
    }

    public static void PrintTable(List<Scenario> scenarios, List<Column> columns)
    {
        var rows = new List<string[]>();
        var summed = columns.Any(c => c.Silos > 1) ? ", silos summed" : "";
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
                if (columns.Any(c => c.Results.TryGetValue(scenario.Number, out var r) && r.MissingFromListing > 0))
                {
                    Row("runs missing from the listing GET /api/runs", r => $"{r.MissingFromListing}", scenario.Number);
                }
            }
            else
            {
                Row("tasks/s (created → finished)", r => $"{r.TasksPerSecond:N0}", scenario.Number);
                Row("total time created → finished (s)", r => $"{r.ServerSpan.TotalSeconds:0.00}", scenario.Number);
                Row("wall time, client, incl. submit and polling (s)", r => $"{r.ClientWall.TotalSeconds:0.00}", scenario.Number);
                Row("run", r => r.Completed == 1 ? "completed" : r.Failed == 1 ? "failed" : "unfinished", scenario.Number);
            }

            Row($"CPU seconds: silo / client / other processes{summed}", r => $"{Seconds(r.SiloCpu)} / {r.ClientCpu.TotalSeconds:0.0} / {Seconds(r.OtherCpu)}",
                scenario.Number);
            if (columns.Any(c => c.Results.TryGetValue(scenario.Number, out var r) && (r.Memory is not null || r.MetricsMemory is not null)))
            {
                Row($"silo memory after (MiB{summed})", r => r.Memory is { } m ? $"{Mib(m.ResidentBytes)} RSS" : r.MetricsMemory is { } b ? $"{Mib(b)} WS" : "–",
                    scenario.Number);
            }
        }

        if (columns.Any(c => c.PeakMemory is not null))
        {
            rows.Add([$"silo peak RSS since its start (MiB{summed})", .. columns.Select(c => c.PeakMemory is { } b ? Mib(b).ToString(CultureInfo.InvariantCulture) : "–")]);
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

    /// <summary>Per target and scenario: tasks/s without and with the simulated dashboards (medians over the rounds), the
    /// difference, and each round's pair.</summary>
    public static void PrintDashboardComparison(List<Scenario> scenarios, List<Column> columns)
    {
        foreach (var label in columns.Select(c => c.Label).Distinct(StringComparer.Ordinal))
        {
            foreach (var scenario in scenarios)
            {
                List<(int Round, double Rate)> Rates(bool withDashboards) =>
                [
                    .. columns.Where(c => c.Label == label && c.Dashboards > 0 == withDashboards && c.Error is null)
                        .Select(c => (c.Round, Result: c.Results.GetValueOrDefault(scenario.Number)))
                        .Where(x => x.Result is { Error: null, Completed: > 0 })
                        .Select(x => (x.Round, x.Result!.TasksPerSecond)),
                ];
                var without = Rates(false);
                var with = Rates(true);
                if (without.Count == 0 || with.Count == 0)
                {
                    continue;
                }

                var dashboards = columns.First(c => c.Label == label && c.Dashboards > 0).Dashboards;
                var (plain, loaded) = (Median(without.Select(x => x.Rate)), Median(with.Select(x => x.Rate)));
                var rounds = string.Join(", ", without.Join(with, x => x.Round, y => y.Round, (x, y) => $"#{x.Round} {x.Rate:N0} → {y.Rate:N0} ({Change(x.Rate, y.Rate)})"));
                Console.WriteLine($"{label}, {scenario.Number}) {scenario.Title}: tasks/s without dashboards {plain:N0}, with {dashboards} dashboards {loaded:N0} "
                    + $"(medians of {without.Count} and {with.Count} rounds): {Change(plain, loaded)}; by round: {rounds}");
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Change(double from, double to) =>
        from <= 0 ? "?" : ((to - from) / from * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %";

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private static string Seconds(TimeSpan? time) => time is { } t ? Math.Max(0, t.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture) : "?";
}

/// <summary>One column of the report: a target in one round.</summary>
internal sealed class Column(string name, string label, int round)
{
    public string Name { get; } = name;

    public string Label { get; } = label;

    public int Round { get; } = round;

    public string? Error { get; set; }

    public Dictionary<int, ScenarioResult> Results { get; } = [];

    public long? PeakMemory { get; set; }

    /// <summary>Dashboards simulated while this column's scenarios ran (0: none).</summary>
    public int Dashboards { get; init; }

    /// <summary>How many silos the target has (its addresses).</summary>
    public int Silos { get; init; } = 1;
}
