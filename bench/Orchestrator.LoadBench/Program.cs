using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>Load benchmark over the HTTP API of one or more running silos: many concurrent runs of small DAGs of
/// <c>noop</c> tasks, and one run fanning out to 10,000 tasks; or, with <c>--targets</c>, the performance targets
/// (<see cref="TargetSuite"/>). Silos are measured one after the other (never at once,
/// so that they do not share the cores), taking turns scenario by scenario, and the figures are printed side by side.
/// With <c>--dashboards N</c> every scenario also runs with N dashboards' traffic simulated (<see cref="DashboardTraffic"/>),
/// taking turns with the run without it, and the difference in tasks/s is printed.</summary>
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

        using var http = SiloClient.CreateHttpClient(options.Concurrency, options.Timeout);
        if (options.MeasureTargets)
        {
            return await MeasureTargetsAsync(http, options);
        }

        var scenarios = Scenario.Chosen(options);
        var clients = options.Targets.Select(t => new SiloClient(http, t)).ToList();
        var tag = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"HTTP load benchmark: {string.Join(", ", options.Targets.Select(t => $"{t.Label} = {t.Describe()}"))}");
        Console.WriteLine($"  client: {Environment.ProcessorCount} cores, {options.Concurrency} requests in flight at most, completion polled every {options.PollInterval.TotalMilliseconds:0} ms, {options.Rounds} round(s); workflows loadbench-{tag}-*");

        var columns = new List<Column>();
        var unreachable = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Scenario by scenario, the silos taking turns: on a shared machine, whatever else runs at the time then
            // lands on both sides of a comparison rather than on one.
            var active = new List<(SiloClient Client, Column Column, SiloProcesses? Silos)>();
            foreach (var client in clients)
            {
                var label = client.Target.Label;
                if (unreachable.Contains(label))
                {
                    continue;
                }

                // With --dashboards, each scenario runs without and with them, in turn; the order flips every round.
                int[] variants = options.Dashboards == 0 ? [0] : round % 2 == 1 ? [0, options.Dashboards] : [options.Dashboards, 0];
                var variantColumns = variants.Select(dashboards =>
                {
                    var name = dashboards == 0 ? label : $"{label} +{dashboards} dashboards";
                    return new Column(options.Rounds == 1 ? name : $"{name} #{round}", label, round)
                    {
                        Silos = client.Target.BaseAddresses.Count,
                        Dashboards = dashboards,
                    };
                }).ToList();
                columns.AddRange(variantColumns);
                using (var healthTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    if (await client.CheckHealthAsync(healthTimeout.Token) is { } unhealthy)
                    {
                        Console.WriteLine($"[{label}] skipped: {unhealthy}");
                        variantColumns.ForEach(column => column.Error = unhealthy);
                        unreachable.Add(label);
                        continue;
                    }
                }

                var silos = SiloProcesses.Find(client.Target);
                Console.WriteLine($"[{label} #{round}] {client.Target.Describe()} healthy, {LoadReport.Describe(silos, client.Target)}");
                if (options.Warmup && round == 1)
                {
                    await ScenarioRunner.WarmUpAsync(client, label, $"loadbench-{tag}-warmup", options);
                }

                active.AddRange(variantColumns.Select(column => (client, column, silos)));
            }

            foreach (var scenario in scenarios)
            {
                foreach (var (client, column, silos) in active)
                {
                    var workflow = $"loadbench-{tag}-s{scenario.Number}-r{round}" + (column.Dashboards > 0 ? "-d" : "");
                    ScenarioResult result;
                    var traffic = "";
                    if (column.Dashboards > 0)
                    {
                        var dashboards = DashboardTraffic.Start(http, client.Target, column.Dashboards);
                        await using (dashboards)
                        {
                            result = await ScenarioRunner.RunAsync(client, scenario, workflow, options, silos);
                        }

                        traffic = $"; dashboards: {dashboards}";
                    }
                    else
                    {
                        result = await ScenarioRunner.RunAsync(client, scenario, workflow, options, silos);
                    }

                    column.Results[scenario.Number] = result;
                    Console.WriteLine($"[{column.Name}] {scenario.Number}) {scenario.Title}: {LoadReport.OneLine(result)}{traffic}");
                }
            }

            foreach (var (_, column, silos) in active)
            {
                column.PeakMemory = silos?.Read() is { } samples ? SiloProcesses.Sum(samples).PeakResidentBytes : null;
            }
        }

        Console.WriteLine();
        LoadReport.PrintTable(scenarios, [.. columns.OrderBy(c => options.Targets.FindIndex(t => t.Label == c.Label)).ThenBy(c => c.Dashboards).ThenBy(c => c.Round)]);
        if (options.Dashboards > 0)
        {
            Console.WriteLine();
            LoadReport.PrintDashboardComparison(scenarios, columns);
        }

        return LoadReport.AnyProblem(columns) ? 1 : 0;
    }

    /// <summary><c>--targets</c>: the performance targets against the one silo given (<see cref="TargetSuite"/>).</summary>
    private static async Task<int> MeasureTargetsAsync(HttpClient http, LoadBenchOptions options)
    {
        var client = new SiloClient(http, options.Targets[0]);
        using (var healthTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            if (await client.CheckHealthAsync(healthTimeout.Token) is { } unhealthy)
            {
                Console.Error.WriteLine($"{client.Target.Describe()}: {unhealthy}");
                return 1;
            }
        }

        var tag = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return await new TargetSuite(options, client, SiloProcesses.Find(client.Target), tag).RunAsync();
    }
}
