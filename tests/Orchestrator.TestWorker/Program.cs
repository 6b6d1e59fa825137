using System.Text.Json.Nodes;
using Orchestrator.Client.Workers;
using Orchestrator.TestWorker;

// A worker process for the remote-worker tests: one queue, one behaviour, and a log file of what it did (one line per
// event, flushed at once) that the tests wait on. Arguments: --server URL --name NAME --queue QUEUE
// --mode echo|hang|fail --log FILE [--max N].
var settings = WorkerArguments.Parse(args);
using var log = new WorkerLog(settings.LogFile);
using var worker = new OrchestratorWorker(new OrchestratorWorkerOptions
{
    ServerUrl = settings.Server,
    WorkerName = settings.Name,
    MaxConcurrent = settings.MaxConcurrent,
    ClaimWait = TimeSpan.FromSeconds(5),
    RetryDelay = TimeSpan.FromMilliseconds(200),
});
worker.Handle(settings.Queue, async (task, cancellationToken) =>
{
    log.Write($"started {task.TaskId} {task.IdempotencyKey}");
    switch (settings.Mode)
    {
        case "hang":
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        case "fail":
            throw new InvalidOperationException($"{settings.Name} refuses {task.IdempotencyKey}");
        default:
            log.Write($"done {task.TaskId} {task.IdempotencyKey}");
            return new JsonObject { ["worker"] = settings.Name, ["input"] = task.Input?.DeepClone(), ["attempt"] = task.Attempt };
    }
});

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopping.Cancel();
log.Write("ready");
await worker.RunAsync(stopping.Token);
