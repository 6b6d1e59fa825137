namespace Orchestrator.TestWorker;

/// <summary>The test worker's command line.</summary>
internal sealed record WorkerArguments(Uri Server, string Name, string Queue, string Mode, string LogFile, int MaxConcurrent)
{
    public static WorkerArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Required(string name) =>
            values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required");

        return new WorkerArguments(
            new Uri(Required("--server")),
            Required("--name"),
            Required("--queue"),
            values.GetValueOrDefault("--mode", "echo"),
            Required("--log"),
            int.Parse(values.GetValueOrDefault("--max", "4"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
