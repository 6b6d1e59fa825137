using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Runs.Engine;

/// <summary>After the silo starts, activates every run that was running or paused (found through the runs view, not
/// by scanning grains): activation retries the attempts a stop interrupted and resumes waiting on sub-runs.</summary>
internal sealed partial class RunRecoveryService(
    IGrainStateQueries queries,
    IGrainFactory grains,
    SiloLifecycle lifecycle,
    ILogger<RunRecoveryService> logger) : IHostedService
{
    /// <summary>The start-up step's name in the silo's health report.</summary>
    public const string Component = "runs";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lifecycle.SetComponent(Component, "starting");
        var recovered = await ResumableGrains.ActivateRunsAsync(queries, grains, (e, runId) => LogRecoveryFailed(logger, e, runId), cancellationToken);
        LogRecovered(logger, recovered);
        lifecycle.SetComponent(Component, "ready");
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lifecycle.SetComponent(Component, "stopped");
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} runs that were running or paused")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} could not be resumed")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, string runId);
}
