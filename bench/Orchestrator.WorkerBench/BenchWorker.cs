using System.Globalization;
using Orchestrator.Client.Workers;

namespace Orchestrator.WorkerBench;

/// <summary>One worker process: a no-op handler on the queue <c>bench</c>; for each task it prints
/// <c>lat {ms}</c>, the time from the task becoming ready to its claim, both read on the silo's clock.</summary>
internal static class BenchWorker
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = new Uri(args[Array.IndexOf(args, "--server") + 1]);
        var name = args[Array.IndexOf(args, "--name") + 1];
        var max = int.Parse(args[Array.IndexOf(args, "--max") + 1], CultureInfo.InvariantCulture);
        using var worker = new OrchestratorWorker(new OrchestratorWorkerOptions
        {
            ServerUrl = server,
            WorkerName = name,
            MaxConcurrent = max,
            ClaimWait = TimeSpan.FromSeconds(10),
        });
        var output = Console.Out;
        worker.Handle(WorkerBenchmark.Queue, (task, _) =>
        {
            var latency = (task.Claim.ClaimedAt - task.Claim.ReadyAt).TotalMilliseconds;
            lock (output)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lat {latency:0.###}"));
            }

            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
        });
        using var stopping = new CancellationTokenSource();
        _ = Task.Run(() =>
        {
            // The benchmark closes standard input to stop its workers.
            Console.In.ReadToEnd();
            stopping.Cancel();
        });
        await output.WriteLineAsync("ready");
        await output.FlushAsync();
        await worker.RunAsync(stopping.Token);
        return 0;
    }
}
