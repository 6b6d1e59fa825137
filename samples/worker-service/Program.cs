using Microsoft.Extensions.Logging;
using Orchestrator.Client.Workers;
using WorkerService;

// A worker service for samples/dag-workers.yaml: claims the tasks of its `squares` and `summaries` queues until Ctrl+C.
//   dotnet run --project samples/worker-service -- [--server http://127.0.0.1:8080] [--api-key KEY] [--name NAME] [--max 8]
var options = new OrchestratorWorkerOptions
{
    ServerUrl = new Uri(Argument("--server") ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_URL") ?? "http://127.0.0.1:8080"),
    ApiKey = Argument("--api-key") ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_API_KEY"),
    MaxConcurrent = int.Parse(Argument("--max") ?? "8", System.Globalization.CultureInfo.InvariantCulture),
};
options.WorkerName = Argument("--name") ?? options.WorkerName;

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
using var worker = new OrchestratorWorker(options, logger: loggers.CreateLogger<OrchestratorWorker>()).AddHandlers(new DagHandlers());
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

Console.WriteLine($"worker {options.WorkerName} on {options.ServerUrl}: queues {string.Join(", ", worker.Queues)}, {options.MaxConcurrent} at once");
await worker.RunAsync(stopping.Token);
Console.WriteLine($"stopped: {worker.Completed} completed, {worker.Failed} failed, {worker.Lost} lost");

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
