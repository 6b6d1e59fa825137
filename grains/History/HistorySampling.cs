using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Hosting;
using Orchestrator.Runs.Engine;

namespace Orchestrator.History;

/// <summary>On every silo: at each sampling interval (on the orchestrator's clock), asks the cluster's one
/// <see cref="IHistorySamplerGrain"/> to sample the slot. Every silo asking keeps the histories going when a silo dies;
/// the sampler samples each slot once.</summary>
internal sealed partial class HistorySampling(
    IGrainFactory grains,
    EngineOptions options,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<HistorySampling> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.History.SampleInterval;
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                var slot = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % interval.Ticks), TimeSpan.Zero);
                try
                {
                    await grains.GetGrain<IHistorySamplerGrain>(IHistorySamplerGrain.Key).SampleAsync(slot).WaitAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The silo may be starting or stopping, or the sampler moving: the next slot tries again.
                    LogSampleFailed(logger, e, slot);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The history sample of {Slot} failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception, DateTimeOffset slot);
}
