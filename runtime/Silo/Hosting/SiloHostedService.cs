using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Invocation;
using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Storage;
using Orchestrator.Runtime.Streams.Durable;

namespace Orchestrator.Runtime.Hosting;

/// <summary>Starts the silo in order (storage, reminders, streams, then calls) and stops it in reverse: no new calls,
/// running turns finish (bounded), activations deactivate, storage is flushed and closed.</summary>
internal sealed partial class SiloHostedService(
    IStorageBackend storage,
    ActivationServices activationServices,
    Catalog catalog,
    GrainFactory grainFactory,
    ReminderService reminders,
    DurableStreamProvider durableStreams,
    ActivationCollector collector,
    SiloLifecycle lifecycle,
    SiloOptions options,
    TimeProvider clock,
    ILogger<SiloHostedService> logger) : IHostedService, IAsyncDisposable
{
    private readonly Lock _stopLock = new();
    private bool _started;
    private Task? _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        activationServices.Catalog = catalog;
        activationServices.GrainFactory = grainFactory;
        activationServices.ReminderService = reminders;

        lifecycle.SetComponent("storage", "starting");
        await storage.InitializeAsync(cancellationToken);
        lifecycle.SetComponent("storage", "ready");
        _started = true;

        // Calls are accepted from here on: reminders and stream agents that catch up deliver through them.
        lifecycle.MarkRunning(clock.GetUtcNow());

        lifecycle.SetComponent("reminders", "starting");
        await reminders.StartAsync(cancellationToken);
        lifecycle.SetComponent("reminders", "ready");

        lifecycle.SetComponent("streams", "starting");
        await durableStreams.StartAsync(cancellationToken);
        lifecycle.SetComponent("streams", "ready");

        collector.Start();
        LogStarted(logger, options.SiloName, storage.Name);
    }

    /// <summary>Stops the silo; a second caller (the host and a test factory, say) waits for the same stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            if (!_started)
            {
                return Task.CompletedTask;
            }

            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        var started = clock.GetTimestamp();
        lifecycle.MarkStopping();
        LogStopping(logger, options.SiloName);
        collector.Dispose();

        await reminders.StopAsync(options.ShutdownTimeout);
        lifecycle.SetComponent("reminders", "stopped");
        await durableStreams.StopAsync();
        lifecycle.SetComponent("streams", "stopped");

        // Running turns finish; calls they make are still taken (see GrainCaller).
        using var bound = new CancellationTokenSource(options.ShutdownTimeout, clock);
        await WaitUntilIdleAsync(bound.Token);

        var deactivations = catalog.Activations.Select(a => a.DeactivateAsync(DeactivationReason.ShuttingDown)).ToArray();
        await Task.WhenAll(deactivations).WaitAsync(bound.Token).ContinueWith(static _ => { }, TaskScheduler.Default);

        await storage.FlushAsync(CancellationToken.None);
        await storage.DisposeAsync();
        lifecycle.SetComponent("storage", "stopped");
        lifecycle.MarkStopped();
        var elapsed = clock.GetElapsedTime(started);
        LogStopped(logger, options.SiloName, elapsed.TotalMilliseconds);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task WaitUntilIdleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.WaitUntilIdleAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogShutdownTimedOut(logger, catalog.BusyCount);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} started on {Storage} storage")]
    private static partial void LogStarted(ILogger logger, string silo, string storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} stopping")]
    private static partial void LogStopping(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached with {Busy} activations still busy")]
    private static partial void LogShutdownTimedOut(ILogger logger, long busy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} stopped in {Milliseconds:0} ms; storage flushed")]
    private static partial void LogStopped(ILogger logger, string silo, double milliseconds);
}
