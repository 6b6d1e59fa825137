using System.Globalization;

namespace Orchestrator.LoadBench;

/// <summary>What to measure under one label of the report: the base address of a silo's HTTP API, or of several silos
/// of one cluster, which then share the load (runs are submitted round robin over them).</summary>
internal sealed record Target(string Label, IReadOnlyList<Uri> BaseAddresses)
{
    /// <summary>The first address: where workflows are stored.</summary>
    public Uri BaseAddress => BaseAddresses[0];

    /// <summary>The addresses as given, comma-separated.</summary>
    public string Describe() => string.Join(",", BaseAddresses);
}

/// <summary>The command line of the load benchmark.</summary>
internal sealed class LoadBenchOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/Orchestrator.LoadBench -- [options]
          --url [label=]http://host:port[,http://host:port…]
                                           a silo's base address; repeat to compare silos (default http://127.0.0.1:8080).
                                           Several comma-separated addresses under one label are silos of one cluster:
                                           runs are submitted round robin over them, completion is polled through each
                                           in turn, and their CPU and memory figures are sums over their processes
          --concurrency N                  client requests in flight at once (default 64)
          --scenarios 1,2,3                which scenarios to run (default all):
                                             1 = 1,000 runs x 20 noop tasks, 2 = 200 runs x 100 noop tasks,
                                             3 = one run fanning out (forEach) to 10,000 noop tasks
          --scale F                        multiply run counts and the fan-out width by F (e.g. 0.1 for a smoke test)
          --rounds N                       run everything N times, silos taking turns (default 1)
          --poll-ms N                      how often completion is polled (default 200)
          --timeout-s N                    give up on a scenario after N seconds (default 600)
          --pause-s N                      idle seconds before each scenario, so the silo settles (default 2)
          --no-warmup                      skip the unreported warm-up (50 runs x 20 tasks per silo; with --targets,
                                           then --warmup-runs runs of item 2's closed loop)
          --warmup-runs N                  with --targets: closed-loop runs in the warm-up, so that the silo's hot
                                           code is compiled optimized before anything is measured (default 10,000;
                                           0 leaves it out)
          --dashboards N                   also run every scenario with N open dashboards simulated (each: the overview,
                                           read every 10 s, and a run's page following the newest run over its event
                                           socket), taking turns with the same scenario without them, and print tasks/s
                                           of both and the difference
          --targets                        instead of scenarios 1-3, measure the performance targets against one silo,
                                           each printed as "target <name> <value> (reference/target …)"; --scale scales
                                           their run counts and fan-out widths, --timeout-s bounds each item (default
                                           300 there). In order:
                                             1 raw commit rate of SQLite (WAL, synchronous=FULL, one row per commit, 3 s)
                                               in a throwaway file under --commit-dir: the reference for item 2
                                             2 closed loop: 5,000 runs x 20 noop tasks, --concurrency clients each
                                               POST /api/runs?wait=true then the next; tasks/s (>= 40,000 and >= 12x
                                               item 1), runs/s, run and request latency, dispatch latency (/metrics)
                                             3 half load: the same runs open-loop at half item 2's runs/s for about
                                               10 s (at least 500 runs); run latency p99 (<= 25 ms), dispatch latency
                                               ready -> running p50/p99 (<= 1 ms / <= 5 ms) from /metrics
                                             4 fan-out: one run forEach over 1,000, 10,000 and 100,000 noop tasks, each
                                               against as many tasks as runs of 20 (open loop); tasks/s, fan-out / runs
                                               (>= 80 %), silo CPU and wall µs per task; a width over the engine's
                                               forEach limit fails, and the run's error is printed
                                             5 accepted/s: 20,000 runs of a 1 h delay, --concurrency clients each
                                               POST /api/runs (not waiting) then the next (>= 10,000/s); then cancelled
                                             6 memory: silo RSS idle, with 10,000 runs of a 1 h delay waiting (after
                                               30 s; <= 60 MB more), and 30 s after they are cancelled (<= 20 MB more)
                                           Needs the silo on this machine (found by its port) for CPU and memory figures
          --commit-dir DIR                 with --targets: where item 1 writes its throwaway SQLite file (default: the
                                           system temp directory); give a directory on the silo's data disk
          --items 1,2,…                    with --targets: which items to measure (default all six)
          --half-rate N                    with --targets: item 3's rate in runs/s (default: half item 2's runs/s)
        """;

    public List<Target> Targets { get; } = [];

    public int Concurrency { get; private set; } = 64;

    public HashSet<int> Scenarios { get; } = [1, 2, 3];

    public double Scale { get; private set; } = 1;

    public int Rounds { get; private set; } = 1;

    public TimeSpan PollInterval { get; private set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromMinutes(10);

    public TimeSpan Pause { get; private set; } = TimeSpan.FromSeconds(2);

    public bool Warmup { get; private set; } = true;

    /// <summary>With <see cref="MeasureTargets"/>: runs of the closed loop in the warm-up.</summary>
    public int WarmupRuns { get; private set; } = 10_000;

    /// <summary>Dashboards simulated in the runs measured with them; 0: no such runs.</summary>
    public int Dashboards { get; private set; }

    /// <summary>Measure the performance targets (<see cref="LoadBench.TargetSuite"/>) instead of scenarios 1-3.</summary>
    public bool MeasureTargets { get; private set; }

    /// <summary>With <see cref="MeasureTargets"/>: the directory of the raw commit reference's throwaway SQLite file.</summary>
    public string CommitDirectory { get; private set; } = Path.GetTempPath();

    /// <summary>With <see cref="MeasureTargets"/>: which items to measure (1 to 6).</summary>
    public HashSet<int> Items { get; } = [1, 2, 3, 4, 5, 6];

    /// <summary>With <see cref="MeasureTargets"/>: the half-load rate in runs/s; null: half the closed loop's runs/s.</summary>
    public double? HalfRate { get; private set; }

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static LoadBenchOptions Parse(string[] args)
    {
        var options = new LoadBenchOptions();
        var timeoutGiven = false;
        var scenarioOptions = new List<string>();
        var suiteOptions = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--url":
                    options.Targets.Add(ParseTarget(Value()));
                    break;
                case "--concurrency":
                    options.Concurrency = PositiveInt(name, Value());
                    break;
                case "--scenarios":
                    scenarioOptions.Add(name);
                    options.Scenarios.Clear();
                    foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var scenario = PositiveInt(name, part);
                        if (scenario > 3)
                        {
                            throw new ArgumentException($"{name}: scenario {scenario} does not exist (1, 2 or 3)");
                        }

                        options.Scenarios.Add(scenario);
                    }

                    break;
                case "--scale":
                    options.Scale = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale > 0
                        ? scale
                        : throw new ArgumentException($"{name} must be a positive number");
                    break;
                case "--rounds":
                    scenarioOptions.Add(name);
                    options.Rounds = PositiveInt(name, Value());
                    break;
                case "--poll-ms":
                    options.PollInterval = TimeSpan.FromMilliseconds(PositiveInt(name, Value()));
                    break;
                case "--timeout-s":
                    options.Timeout = TimeSpan.FromSeconds(PositiveInt(name, Value()));
                    timeoutGiven = true;
                    break;
                case "--pause-s":
                    options.Pause = TimeSpan.FromSeconds(int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var pause)
                        ? pause
                        : throw new ArgumentException($"{name} must be 0 or more"));
                    break;
                case "--dashboards":
                    scenarioOptions.Add(name);
                    options.Dashboards = PositiveInt(name, Value());
                    break;
                case "--no-warmup":
                    options.Warmup = false;
                    break;
                case "--warmup-runs":
                    options.WarmupRuns = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var warmupRuns)
                        ? warmupRuns
                        : throw new ArgumentException($"{name} must be 0 or more");
                    break;
                case "--targets":
                    options.MeasureTargets = true;
                    break;
                case "--commit-dir":
                    suiteOptions.Add(name);
                    options.CommitDirectory = Value();
                    if (!Directory.Exists(options.CommitDirectory))
                    {
                        throw new ArgumentException($"{name}: the directory '{options.CommitDirectory}' does not exist");
                    }

                    break;
                case "--items":
                    suiteOptions.Add(name);
                    options.Items.Clear();
                    foreach (var item in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        options.Items.Add(int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 6
                            ? number
                            : throw new ArgumentException($"{name}: '{item}' is not an item (1 to 6)"));
                    }

                    break;
                case "--half-rate":
                    suiteOptions.Add(name);
                    options.HalfRate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0
                        ? rate
                        : throw new ArgumentException($"{name} must be a positive number of runs per second");
                    break;
                default:
                    throw new ArgumentException($"unknown option '{name}'");
            }
        }

        if (options.Targets.Count == 0)
        {
            options.Targets.Add(ParseTarget("http://127.0.0.1:8080"));
        }

        var duplicate = options.Targets.GroupBy(t => t.Label, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"--url: the label '{duplicate.Key}' is used twice; name each silo (label=url)");
        }

        if (options.MeasureTargets)
        {
            if (options.Targets.Count > 1 || options.Targets[0].BaseAddresses.Count > 1)
            {
                throw new ArgumentException("--targets measures one silo: give one --url with one address");
            }

            if (scenarioOptions.Count > 0)
            {
                throw new ArgumentException($"--targets does not take {string.Join(", ", scenarioOptions.Distinct())} (those are for scenarios 1-3)");
            }

            if (!timeoutGiven)
            {
                options.Timeout = TimeSpan.FromMinutes(5);
            }
        }
        else if (suiteOptions.Count > 0)
        {
            throw new ArgumentException($"{suiteOptions[0]} goes with --targets");
        }

        return options;
    }

    /// <summary>Scales a count, keeping at least one.</summary>
    public int Scaled(int count) => Math.Max(1, (int)Math.Round(count * Scale));

    private static Target ParseTarget(string value)
    {
        // label=url[,url…], where the label is what comes before the first '=' if that part is not itself the start of a URL.
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        string? label = null;
        var addresses = value;
        if (equals > 0 && (scheme < 0 || equals < scheme))
        {
            label = value[..equals];
            addresses = value[(equals + 1)..];
        }

        var uris = new List<Uri>();
        foreach (var address in addresses.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"--url: '{address}' is not an http(s) address");
            }

            // Relative routes ("api/runs") resolve under the address, a path prefix included.
            var baseAddress = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
            if (uris.Contains(baseAddress))
            {
                throw new ArgumentException($"--url: '{address}' is listed twice under one label");
            }

            uris.Add(baseAddress);
        }

        return new Target(label ?? string.Join(",", uris.Select(u => u.Authority)), uris);
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number, not '{value}'");
}
