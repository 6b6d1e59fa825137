using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Hosting;

/// <summary>Opens (and migrates) a backend the silo owns before grains, reminders or queues use it, and closes it once
/// they have stopped: the silo stops its stages in reverse order, so the runtime stage stops after the grains are gone.
/// A backend shared by several silos (an in-process test cluster) is opened and closed by whoever shares it.</summary>
internal sealed partial class StorageBackendLifecycle(
    IStorageBackend backend, bool owned, SiloLifecycle lifecycle, ILocalSiloDetails silo, TimeProvider clock, ILogger<StorageBackendLifecycle> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageBackendLifecycle), ServiceLifecycleStage.RuntimeInitialize, StartAsync, StopAsync);

    public const string Component = "storage";

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        lifecycle.SetComponent(Component, "starting");
        if (owned)
        {
            await backend.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        lifecycle.SetComponent(Component, "ready");
        LogStarted(logger, backend.Name);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (owned)
        {
            await backend.FlushAsync(cancellationToken).ConfigureAwait(false);
            await backend.DisposeAsync().ConfigureAwait(false);
        }

        lifecycle.SetComponent(Component, "stopped");
        var stoppedIn = lifecycle.StoppingSince is { } since ? clock.GetElapsedTime(since) : TimeSpan.Zero;
        LogStopped(logger, silo.Name, (long)stoppedIn.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} stopped in {Milliseconds} ms; storage flushed")]
    private static partial void LogStopped(ILogger logger, string silo, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage backend {Backend} is ready")]
    private static partial void LogStarted(ILogger logger, string backend);
}
