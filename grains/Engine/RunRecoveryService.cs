using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Storage;

namespace Orchestrator.Runs.Engine;

/// <summary>After the silo starts, activates every run that was running or paused (found through the runs view, not
/// by scanning grains): activation retries the attempts a stop interrupted and resumes waiting on sub-runs.</summary>
internal sealed partial class RunRecoveryService(IStorageBackend storage, IGrainFactory grains, ILogger<RunRecoveryService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var recovered = 0;
        foreach (var status in new[] { "running", "paused" })
        {
            ViewCursor? cursor = null;
            do
            {
                var page = await storage.Grains.QueryViewAsync(new ViewQuery(RunState.RunsView, null, status, 500, cursor), cancellationToken);
                foreach (var row in page.Rows)
                {
                    try
                    {
                        await grains.GetGrain<IRunGrain>(row.GrainId.Key).GetAsync();
                        recovered++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogRecoveryFailed(logger, e, row.GrainId.Key);
                    }
                }

                cursor = page.Next;
            }
            while (cursor is not null);
        }

        LogRecovered(logger, recovered);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} runs that were running or paused")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} could not be resumed")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, string runId);
}
