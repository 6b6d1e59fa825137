using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Hosting;

/// <summary>Opens (and migrates) a backend the silo owns before grains, reminders or queues use it, and closes it once
/// they have stopped: the silo stops its stages in reverse order, so the runtime stage stops after the grains are gone.
/// A backend shared by several silos (an in-process test cluster) is opened and closed by whoever shares it.</summary>
internal sealed partial class StorageBackendLifecycle(IStorageBackend backend, bool owned, ILogger<StorageBackendLifecycle> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageBackendLifecycle), ServiceLifecycleStage.RuntimeInitialize, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (owned)
        {
            await backend.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        LogStarted(logger, backend.Name);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (owned)
        {
            await backend.FlushAsync(cancellationToken).ConfigureAwait(false);
            await backend.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage backend {Backend} is ready")]
    private static partial void LogStarted(ILogger logger, string backend);
}
