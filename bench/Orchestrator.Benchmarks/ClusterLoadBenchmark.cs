using System.Globalization;
using Orchestrator.LoadBench;
using Orchestrator.Testing.Postgres;

namespace Orchestrator.Benchmarks;

/// <summary>The HTTP load benchmark's scenarios (<c>bench/Orchestrator.LoadBench</c>, its code reused as is) against
/// silo processes on one PostgreSQL database: first one silo, then two more joining it, the load submitted round robin
/// over the three. The figures of both cluster sizes are printed side by side.</summary>
internal static class ClusterLoadBenchmark
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);

    public static async Task RunAsync(PostgresServer server, int rounds, string scale)
    {
        var connectionString = await server.CreateDatabaseAsync("load");
        var workDirectory = PostgresClusterBenchmark.NewWorkDirectory("cluster-load");
        var silos = new List<ClusterSiloProcess>();
        var tag = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        try
        {
            using var control = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var columns = new List<Column>();
            List<LoadBench.Scenario>? scenarios = null;
            foreach (var size in new[] { 1, 3 })
            {
                while (silos.Count < size)
                {
                    silos.Add(ClusterSiloProcess.Start(workDirectory, $"silo-{silos.Count + 1}", connectionString, "bench-load"));
                }

                await Task.WhenAll(silos.Select(s => s.WaitUntilHealthyAsync(control, StartBound)));
                await Task.WhenAll(silos.Select(s => s.WaitForRunningSilosAsync(control, size, StartBound)));
                var label = size == 1 ? "1 silo" : $"{size} silos";
                var options = LoadBenchOptions.Parse(
                    ["--url", $"{label}={string.Join(",", silos.Select(s => s.Url))}", "--rounds", rounds.ToString(CultureInfo.InvariantCulture), "--scale", scale]);
                scenarios ??= LoadBench.Scenario.Chosen(options);
                Console.WriteLine($"HTTP load on {label} (processes {string.Join(", ", silos.Select(s => s.Id))}), {options.Concurrency} requests in flight; {PostgresClusterBenchmark.LoadAverage()}");
                columns.AddRange(await MeasureAsync(options, scenarios, new SiloProcesses([.. silos.Select(s => s.Id)]), $"loadbench-{tag}-{size}"));
            }

            Console.WriteLine();
            LoadReport.PrintTable(scenarios!, columns);
            if (LoadReport.AnyProblem(columns))
            {
                Console.WriteLine("some runs did not complete; see above");
            }
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

    private static async Task<List<Column>> MeasureAsync(LoadBenchOptions options, List<LoadBench.Scenario> scenarios, SiloProcesses silos, string prefix)
    {
        var target = options.Targets[0];
        using var http = SiloClient.CreateHttpClient(options.Concurrency, options.Timeout);
        var client = new SiloClient(http, target);
        using (var healthTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            if (await client.CheckHealthAsync(healthTimeout.Token) is { } unhealthy)
            {
                throw new InvalidOperationException($"{target.Label}: {unhealthy}");
            }
        }

        await ScenarioRunner.WarmUpAsync(client, target.Label, $"{prefix}-warmup", options);
        var columns = new List<Column>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var column = new Column(options.Rounds == 1 ? target.Label : $"{target.Label} #{round}", target.Label, round) { Silos = target.BaseAddresses.Count };
            foreach (var scenario in scenarios)
            {
                var result = await ScenarioRunner.RunAsync(client, scenario, $"{prefix}-s{scenario.Number}-r{round}", options, silos);
                column.Results[scenario.Number] = result;
                Console.WriteLine($"[{column.Name}] {scenario.Number}) {scenario.Title}: {LoadReport.OneLine(result)}");
            }

            column.PeakMemory = silos.Read() is { } samples ? SiloProcesses.Sum(samples).PeakResidentBytes : null;
            columns.Add(column);
        }

        return columns;
    }
}
